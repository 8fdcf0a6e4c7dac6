"""Notifications service: tells people things by e-mail, SMS and push."""
