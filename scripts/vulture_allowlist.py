"""Names `vulture` (run by scripts/test, configured in pyproject.toml) cannot see used, each
with the reason it stays. Any other unused code is dead: remove it."""
# ruff: noqa
# fmt: off

__getattr__         # broadcast_kit/__init__.py: module __getattr__ (__version__), Python calls it
__call__            # progress.Advance: a Protocol's call signature
scipy               # audio.load_scipy: imported for its side effect, under a lock
trace               # __exit__(kind, error, trace): the context-manager signature
signum              # a signal handler's signature
obj                 # typer's ctx.obj: read by click
import_             # cli/importer.py: `kit import`, registered by cli/_lazy.py by name
header_bytes        # check/mpeg.Stream: parsed from the Xing/VBRI header, shown in reprs
bitrate_kbps        # formats/report.AudioFacts: written in the render report for readers
engine_voice        # formats/report.Segment: written in the render report for readers
target_true_peak    # loudness.Report: written in the render report for readers
protocol_version    # publish/serve.py: http.server reads these class attributes
timeout
version_string
close_connection
daemon_threads
request_queue_size
address_family
server_name
write_table         # render/estimate.py: scripts/calibrate.py writes the estimate table
peak_memory_mib     # testing.py: for tests and plugin authors measuring memory
register            # tts/registry.register: the public API for engines not installed as packages
intra_op_num_threads  # tts/piper.py, tts/kokoro.py: onnxruntime reads its session options
inter_op_num_threads  # tts/kokoro.py: likewise
evicted             # tts/synth.py: in the tts area (issue 27 part B: engine base class)
writeable           # render/media.py: numpy's flag, set so that shared samples are read-only
