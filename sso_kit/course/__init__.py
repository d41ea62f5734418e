"""What the tutorial notebooks need above the library: step checks, quiz data, clean-up helpers."""
