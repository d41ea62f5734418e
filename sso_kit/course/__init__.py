"""What the notebooks need above the library: the AWS CLI v2 set-up, lab helpers, steps."""
