"""Browser pages: device code entry, sign-in, consent, result pages and the access portal."""
