"""Email: receiving (SMTP, IMAP, import), parsing, threading and sending real mail."""
