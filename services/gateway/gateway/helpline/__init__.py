"""Helpline adapters at the edge: the voicebot's IVR routing (DTMF menu and free-text intent)."""
