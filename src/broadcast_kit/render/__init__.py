"""The render stages, data flowing one way: sentences (split the script's words), timeline
(place every sound), mix (sum it block by block), master (one gain, true-peak limiter, MP3),
tags (ID3), sidecars (transcripts, chapters), report (the typed render report) and the
pipeline that runs them. Nothing is imported here, so `render.sentences` stays light."""
