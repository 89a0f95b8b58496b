"""Preflight's CLAP in Qtractor, headless: Qtractor runs under Xvfb on a JACK server with the
dummy driver, with Preflight on the master bus; the test drives it as a user would (opens the
mixer, double-clicks the plug-in to open its editor, clicks in the editor) and makes Qtractor
save its session with SIGUSR1. Everything checked is Qtractor's own code path: its session
file, its window title, its audio.

Qtractor will not start its engine without an ALSA sequencer; where /dev/snd/seq does not exist
(containers, CI) a do-nothing sequencer (`qtractor/seqstub.c`) is preloaded.

Run by scripts/test.sh (which installs Qtractor, JACK and xdotool) as
    .venv/bin/python -m pytest plugin/tests/host_qtractor.py
with PREFLIGHT_CLAP_BUNDLE pointing at the bundle (default: target/bundled/Preflight.clap).
"""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import time
import wave
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
STUB = Path(__file__).with_name("qtractor") / "seqstub.c"
BUNDLE = Path(os.environ.get("PREFLIGHT_CLAP_BUNDLE", ROOT / "target/bundled/Preflight.clap"))
TOOLS = ["qtractor", "jackd", "jack_lsp", "jack_connect", "jack_metro", "jack_rec", "Xvfb",
         "xdotool", "xwininfo", "cc"]
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]

# The parameters as Qtractor lists them: the automatable, writable ones (the same list its
# plug-in properties window shows), by their names.
PARAMETER_NAMES = {"Profile", "Platform", "Reset on play", "Hold on stop", "Style"}
# Where things are, in window coordinates. The Preflight entry is the first row of the Master
# Out strip's plug-in list in Qtractor's mixer window at its default size (480x320, set again
# here); the Master and Export buttons are in the editor's top bar (gui/src/view/top_bar.rs),
# the Write button in the Export panel below it (gui/tests/view.rs prints where both are).
MIXER_SIZE = (480, 320)
MIXER_PLUGIN_ROW = (350, 46)
EDITOR_MASTER_BUTTON = (162, 19)
EDITOR_EXPORT_BUTTON = (794, 19)
EXPORT_WRITE_BUTTON = (634, 87)
# The References panel and its file dialog (gui/tests/view.rs,
# references_can_be_typed_or_picked_in_a_file_dialog, prints where each is): the panel's path
# field and Add button with no reference yet, its Browse button with one, and in the dialog the
# second file of the folder (after its one subfolder) and the Open button.
EDITOR_REFERENCES_BUTTON = (730, 28)
REFERENCE_PATH_FIELD = (476, 115)
REFERENCE_ADD_BUTTON = (233, 138)
REFERENCE_BROWSE_BUTTON = (315, 128)
DIALOG_SECOND_FILE = (256, 152)
DIALOG_OPEN_BUTTON = (395, 317)
RECORD_SECONDS = 2

pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"not installed: {', '.join(MISSING)}")

SESSION = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE qtractorSession>
<session version="0.9.31" name="preflight">
 <properties>
  <directory>{directory}</directory>
  <sample-rate>48000</sample-rate>
 </properties>
 <devices>
  <audio-engine>
   <audio-bus name="Master" mode="duplex">
    <monitor>1</monitor>
    <channels>2</channels>
    <auto-connect>0</auto-connect>
    <output-plugins>
{plugins}    </output-plugins>
   </audio-bus>
  </audio-engine>
 </devices>
</session>
"""


def session_xml(directory, plugins):
    """A session whose master bus holds `plugins`, (type, filename) pairs: "CLAP" and a file,
    or "LV2" and a URI."""
    chain = "".join(
        f'     <plugin type="{kind}"><filename>{filename}</filename><index>0</index>'
        "<activated>1</activated></plugin>\n" for kind, filename in plugins)
    return SESSION.format(directory=directory, plugins=chain)


def wait_for(what, check, timeout=30.0, interval=0.2):
    """Polls `check` until it returns something truthy; fails naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def stop(process, sig=signal.SIGTERM, timeout=10.0):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Qtractor:
    """One Qtractor process on its own JACK server and X display, with a fresh HOME."""

    def __init__(self, workdir, session, stub):
        self.workdir = workdir
        self.session = session
        self.log = open(workdir / "qtractor.log", "w")
        self.env = dict(os.environ, HOME=str(workdir / "home"), JACK_NO_START_SERVER="1",
                        JACK_DEFAULT_SERVER=f"preflight{os.getpid()}")
        (workdir / "home").mkdir(exist_ok=True)
        self.processes = []
        self.qtractor = None
        try:
            self._start(session, stub)
        except BaseException:
            self.close()
            raise

    def _start(self, session, stub):
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp",
             "-noreset"],
            pass_fds=(write_fd,), stdout=self.log, stderr=subprocess.STDOUT)
        os.close(write_fd)
        self.processes.append(xvfb)
        with os.fdopen(read_fd) as display:
            self.env["DISPLAY"] = ":" + display.readline().strip()
        jack = subprocess.Popen(
            ["jackd", "-n", self.env["JACK_DEFAULT_SERVER"], "-d", "dummy", "-r", "48000",
             "-p", "1024"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.processes.append(jack)
        wait_for("the JACK server", lambda: self.jack("jack_lsp").returncode == 0)
        self.qtractor = subprocess.Popen(
            ["qtractor", str(session)], env=dict(self.env, LD_PRELOAD=str(stub)),
            stdout=self.log, stderr=subprocess.STDOUT)
        self.processes.append(self.qtractor)
        wait_for("Qtractor's master bus in JACK",
                 lambda: "Qtractor:Master/out_2" in self.jack("jack_lsp").stdout)
        self.main = wait_for("Qtractor's main window",
                             lambda: self.find(re.escape(str(session)) + " .*Qtractor"))

    def jack(self, *args):
        return subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=30)

    def xdotool(self, *args):
        return subprocess.run(["xdotool", *map(str, args)], env=self.env, capture_output=True,
                              text=True, timeout=30)

    def windows(self):
        """(id, title) of every window, from xwininfo (xdotool's search misses UTF-8 titles)."""
        tree = subprocess.run(["xwininfo", "-root", "-tree"], env=self.env, capture_output=True,
                              text=True, timeout=30).stdout
        return re.findall(r'^\s*(0x[0-9a-f]+) "(.*)":', tree, re.M)

    def find(self, name):
        """The first window whose title matches the regular expression `name`, or None."""
        return next((wid for wid, title in self.windows() if re.search(name, title)), None)

    def title(self):
        return next(title for wid, title in self.windows() if wid == self.main)

    def click(self, window, x, y, repeat=1):
        self.xdotool("mousemove", "--window", window, x, y)
        self.xdotool("click", "--repeat", repeat, "--delay", 100, 1)

    def save(self):
        """Qtractor's own save (what File > Save does), through its SIGUSR1 handler."""
        before = self.session.stat().st_mtime_ns
        self.qtractor.send_signal(signal.SIGUSR1)
        wait_for("the session to be saved",
                 lambda: self.session.stat().st_mtime_ns != before and "[modified]" not in self.title())
        time.sleep(0.5)  # the file is written before the title is updated; let it settle
        return self.session.read_text()

    def close(self):
        # Qtractor first, with SIGKILL so that no "save changes?" prompt can hold it (the tests
        # have saved already), then the clients and servers it ran on.
        for process in reversed(self.processes):
            stop(process, signal.SIGKILL if process is self.qtractor else signal.SIGTERM)
        self.log.close()


def master_plugins(session_text):
    """The plug-in elements of the master bus in a saved session."""
    root = ET.fromstring(session_text)
    return root.findall(".//audio-bus[@name='Master']/output-plugins/plugin")


def plugin_element(session_text):
    plugins = master_plugins(session_text)
    assert len(plugins) == 1, session_text
    return plugins[0]


def parameters(plugin):
    return {p.get("name"): float(p.text) for p in plugin.findall("params/param")}


def plugin_state(plugin):
    """The plug-in's own state as Qtractor stores it: qCompress (a 4-byte size, then zlib) in
    base64. Preflight's state is nice-plug's JSON after an 8-byte length."""
    config = plugin.find("configs/config[@key='state']")
    assert config is not None, "Qtractor saved no plug-in state"
    packed = base64.b64decode("".join(config.text.split()))
    return zlib.decompress(packed[4:]).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def stub(tmp_path_factory):
    out = tmp_path_factory.mktemp("stub") / "seqstub.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", str(out), str(STUB)], check=True)
    return out


def reference_folder(home):
    """A folder of reference tracks made by ffmpeg (pink and brown noise), a subfolder and a
    file the dialog should not list; returns (typed, picked), the two tracks' paths."""
    refs = home / "refs"
    (refs / "albums").mkdir(parents=True)
    (refs / "notes.txt").write_text("not audio\n")
    typed, picked = refs / "first.wav", refs / "second.FLAC"
    for path, colour, codec in ((typed, "pink", "pcm_s24le"), (picked, "brown", "flac")):
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                        f"anoisesrc=color={colour}:amplitude=0.3:duration=5:seed=7",
                        "-ac", "2", "-ar", "48000", "-c:a", codec, "-f",
                        "wav" if codec.startswith("pcm") else "flac", str(path)], check=True)
    return typed, picked


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, stub):
    """A new session with Preflight on the master bus: plays a signal through it, then opens
    the editor, clicks Master, adds two reference tracks in the References panel (one path
    typed, one picked in its file dialog), exports the session with the editor's Export
    button, and saves."""
    assert BUNDLE.is_file(), f"no CLAP bundle at {BUNDLE}: run cargo xtask bundle preflight"
    assert shutil.which("ffmpeg"), "ffmpeg makes the reference tracks"
    work = tmp_path_factory.mktemp("qtractor1")
    session = work / "preflight.qtr"
    session.write_text(session_xml(work, [("CLAP", BUNDLE)]))
    typed, picked = reference_folder(work / "home")
    host = Qtractor(work, session, stub)
    result = {}
    try:
        # A signal that is not ours: JACK's metronome example client, into the master bus
        # (monitored, so Qtractor passes its input through the bus and its plug-ins).
        metro = subprocess.Popen(["jack_metro", "-n", "metro", "-b", "240", "-f", "880",
                                  "-A", "0.5", "-D", "100", "-a", "1", "-d", "10"], env=host.env,
                                 stdout=host.log, stderr=subprocess.STDOUT)
        host.processes.insert(1, metro)
        wait_for("the metronome in JACK", lambda: "metro:240_bpm" in host.jack("jack_lsp").stdout)
        for port in ("in_1", "in_2"):
            assert host.jack("jack_connect", "metro:240_bpm", f"Qtractor:Master/{port}").returncode == 0
        recording = work / "master.wav"
        host.jack("jack_rec", "-b", "32", "-d", str(RECORD_SECONDS), "-f", str(recording),
                  "Qtractor:Master/out_1", "Qtractor:Master/out_2", "metro:240_bpm")
        result["recording"] = recording

        result["title_loaded"] = host.title()
        host.xdotool("windowfocus", "--sync", host.main)
        host.xdotool("key", "F9")  # View > Mixer
        mixer = wait_for("Qtractor's mixer window", lambda: host.find("^Mixer .*Qtractor"))
        host.xdotool("windowsize", "--sync", mixer, *MIXER_SIZE)
        editor = None
        for _ in range(5):  # until the mixer has laid out its strips and takes the click
            time.sleep(1.0)
            host.click(mixer, *MIXER_PLUGIN_ROW, repeat=2)
            deadline = time.monotonic() + 3.0
            while editor is None and time.monotonic() < deadline:
                editor = host.find("^Preflight$")
                time.sleep(0.2)
            if editor:
                break
        if editor is None:
            if shutil.which("xwd") and shutil.which("convert"):
                subprocess.run(f"xwd -root -silent | convert xwd:- png:{work}/screen.png",
                               shell=True, env=host.env)
            pytest.fail(f"double-clicking Preflight in the mixer opened no editor (see {work})")
        time.sleep(2.0)  # the editor's first frames
        result["title_before_click"] = host.title()
        host.click(editor, *EDITOR_MASTER_BUTTON)
        result["title_after_click"] = wait_for(
            "Qtractor to mark the session modified",
            lambda: next((t for t in [host.title()] if "[modified]" in t), None), timeout=10)
        # A reference typed into the panel's path field, then one picked in its dialog.
        host.click(editor, *EDITOR_REFERENCES_BUTTON)
        time.sleep(0.5)
        host.click(editor, *REFERENCE_PATH_FIELD)
        host.xdotool("type", "--delay", 20, str(typed))
        time.sleep(0.5)  # the last key's frame before the click (a click in it takes focus)
        host.click(editor, *REFERENCE_ADD_BUTTON)
        time.sleep(0.5)
        host.click(editor, *REFERENCE_BROWSE_BUTTON)
        time.sleep(1.0)
        host.click(editor, *DIALOG_SECOND_FILE)
        time.sleep(0.5)
        host.click(editor, *DIALOG_OPEN_BUTTON)
        result["references"] = (typed, picked)
        time.sleep(3.0)  # both 5 s tracks measured on the editor's reference thread
        # Export into the default folder, in the fresh HOME.
        reports = Path(host.env["HOME"]) / "Preflight reports"
        host.click(editor, *EDITOR_EXPORT_BUTTON)
        time.sleep(1.0)
        host.click(editor, *EXPORT_WRITE_BUTTON)
        result["exported"] = wait_for(
            "the editor's export to write its three files",
            lambda: (lambda files: files if len(files) == 3 else None)(
                sorted(reports.glob("preflight-*")) if reports.is_dir() else []),
            timeout=15)
        result["saved"] = host.save()
    finally:
        host.close()
    return result


@pytest.fixture(scope="module")
def second_run(tmp_path_factory, stub, first_run):
    """The saved session opened again in a new Qtractor process and saved untouched."""
    work = tmp_path_factory.mktemp("qtractor2")
    session = work / "preflight.qtr"
    saved = first_run["saved"].replace(str(Path(first_run["recording"]).parent), str(work))
    # Without the metronome's connections (that client is not running now: Qtractor would
    # rightly mark the session modified when it finds them gone).
    saved, n = re.subn(r"<input-connects>.*?</input-connects>", "<input-connects/>", saved, flags=re.S)
    assert n == 1, saved
    session.write_text(saved)
    host = Qtractor(work, session, stub)
    try:
        time.sleep(2.0)  # let the engine run a few cycles
        title = host.title()
        saved = host.save()
    finally:
        host.close()
    return {"title_loaded": title, "saved": saved}


def test_master_bus_passes_audio_bit_exact(first_run):
    with wave.open(str(first_run["recording"])) as w:
        assert w.getnchannels() == 3 and w.getsampwidth() == 4
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i4").reshape(-1, 3)
    out, source = frames[:, :2].astype(np.int64), frames[:, 2].astype(np.int64)
    assert len(source) >= RECORD_SECONDS * 48000 * 0.9
    assert np.count_nonzero(source) > 1000, "the metronome was silent"
    # Same JACK cycle (Preflight reports no latency): sample for sample, both channels,
    # at 32-bit integer resolution (jack_rec's finest format).
    for channel in range(2):
        assert np.array_equal(out[:, channel], source), f"channel {channel + 1} differs"


def test_parameters_are_listed_by_qtractor(first_run):
    assert set(parameters(plugin_element(first_run["saved"]))) == PARAMETER_NAMES


def test_editor_change_marks_the_session_modified(first_run):
    assert "[modified]" not in first_run["title_loaded"]
    assert "[modified]" not in first_run["title_before_click"]
    assert "[modified]" in first_run["title_after_click"]


def test_editor_change_is_saved(first_run):
    plugin = plugin_element(first_run["saved"])
    assert parameters(plugin)["Profile"] == 1.0  # Master
    state = plugin_state(plugin)
    assert '"profile":{"string":"master"}' in state, state
    assert '"platform":{"string":"spotify"}' in state, state  # untouched stays default
    assert 'Preflight reports' in state, "the export folder is saved with the session"


def saved_references(plugin):
    state = json.loads(plugin_state(plugin)[8:])
    return json.loads(state["fields"]["references"])


def test_references_typed_and_picked_in_the_dialog_are_saved(first_run):
    typed, picked = first_run["references"]
    assert saved_references(plugin_element(first_run["saved"])) == [str(typed), str(picked)]


def test_export_compares_the_session_with_the_references(first_run):
    typed, picked = first_run["references"]
    files = {p.suffix: p for p in first_run["exported"]}
    compared = json.loads(files[".json"].read_text()).get("references")
    assert compared, "the export has no comparison with the references"
    assert compared["references"] == [str(typed), str(picked)], compared
    assert [r["id"] for r in compared["regions"]] == ["sub_bass", "low_end", "harshness",
                                                      "top_end"]
    # A metronome against noise: its presence region is far from theirs.
    harsh = next(r for r in compared["regions"] if r["id"] == "harshness")
    assert harsh["difference_db"] is not None and abs(harsh["difference_db"]) > 2, compared
    page = files[".html"].read_text()
    assert '<section id="references">' in page and str(picked) in page


def test_export_writes_the_session_report(first_run):
    files = {p.suffix: p for p in first_run["exported"]}
    html, json_file, csv = files[".html"], files[".json"], files[".csv"]
    assert csv.name.endswith("-history.csv")
    check = json.loads(json_file.read_text())
    measured = check["measurements"]["duration_s"]
    # The metronome has been playing through the master bus since the session started.
    assert measured > RECORD_SECONDS, check["measurements"]
    assert check["profile"] == "master", "the export judges what the editor shows"
    assert check["verdict"] in ("ready", "not_ready", "insufficient")
    assert check["measurements"]["true_peak_dbtp"] is not None
    rows = csv.read_text().splitlines()
    assert rows[0].startswith("time_s,momentary_lufs")
    assert abs(len(rows) - 1 - measured * 10) <= 1, (len(rows), measured)
    page = html.read_text()
    for section in ("verdict", "loudness", "true-peak", "events", "platforms"):
        assert f'<section id="{section}">' in page, section


def test_saved_settings_are_restored_on_load(second_run, first_run):
    plugin = plugin_element(second_run["saved"])
    assert parameters(plugin)["Profile"] == 1.0
    assert '"profile":{"string":"master"}' in plugin_state(plugin)
    assert saved_references(plugin) == [str(p) for p in first_run["references"]]


@pytest.mark.xfail(strict=True, reason=(
    "Qtractor marks a session modified when it opens it and a CLAP plug-in's restored state "
    "differs from its defaults (a default state does not): after a state load the plug-in "
    "asks the host to re-read its parameter values (CLAP_PARAM_RESCAN_VALUES), and Qtractor "
    "takes the changed values for an edit. See README, In real hosts."))
def test_opening_a_saved_session_leaves_it_unmodified(second_run):
    assert "[modified]" not in second_run["title_loaded"]
