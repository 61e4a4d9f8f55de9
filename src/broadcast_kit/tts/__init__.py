"""Text-to-speech engines behind one protocol, found through the `broadcast_kit.engines`
entry-point group, plus the content-addressed cache of what they said."""
