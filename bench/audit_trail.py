#!/usr/bin/env python3
"""The auditor's audit trail screen with 1,000,000 audit rows
(RADESK_BENCH_AUDIT_ROWS to change): the time from choosing "Audit trail"
on the home menu to the newest entries on screen, from Home to the first
entry, from End back to the newest, and from applying a filter on a rare
operator to its newest entries; and the resident memory with the trail
open.  radesk runs in a pseudo-terminal; each time runs from the key
being written to the screen showing the text that proves the page is
there.  Median and worst of 10 runs."""
import os, pty, select, shutil, statistics, subprocess, sys, tempfile, time

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
radesk = os.path.join(build, "radesk")
rows = int(os.environ.get("RADESK_BENCH_AUDIT_ROWS", "1000000"))
tmp = tempfile.mkdtemp(prefix="radesk-bench-audit-")
env = dict(os.environ, HOME=tmp, XDG_DATA_HOME=tmp + "/data", XDG_CONFIG_HOME=tmp + "/cfg",
           TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8", LANGUAGE="", RADESK_IDLE_LOCK_SECONDS="0")
env.pop("RADESK_CONFIG", None)
subprocess.run([radesk, "init", "--admin", "admin"], env=dict(env, RADESK_PASSWORD="bench-password-1"),
               check=True, stdout=subprocess.DEVNULL)
subprocess.run([radesk, "--as", "admin", "user", "add", "auditor", "--role", "auditor"],
               env=dict(env, RADESK_PASSWORD="bench-password-1", RADESK_NEW_PASSWORD="bench-password-2"),
               check=True, stdout=subprocess.DEVNULL)
db = tmp + "/data/radesk/radesk.db"
# Rows of the right shape are enough: the screen reads, it does not verify
# the chain.  Every 10,000th row is by the operator "rare".
subprocess.run(["sqlite3", db, """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
INSERT INTO audit(seq, at, operator, action, object, details, prev_hash, hash)
SELECT i + 10, 1700000000 + i * 30, CASE WHEN i %% 10000 = 0 THEN 'rare' ELSE 'clerk' || (i %% 7) END,
       'app.register', printf('RA-20261121-%%06d', i / 3),
       '{"kind":"individual","product":"personal-sign"}', printf('%%064d', i), printf('%%064d', i + 1) FROM n;
UPDATE audit_head SET entries = (SELECT max(seq) FROM audit);""" % rows], check=True)

HOME_KEY, END_KEY = b"\x1bOH", b"\x1bOF"  # xterm in keypad mode (curses keypad on)


class Term:
    def __init__(self):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(radesk, [radesk], env)
        self.buf = b""

    def wait_for(self, text, timeout=20):
        """Reads until text appears after the current point; returns the time."""
        start = len(self.buf)
        end = time.perf_counter() + timeout
        while text not in self.buf[start:]:
            left = end - time.perf_counter()
            r, _, _ = select.select([self.fd], [], [], max(left, 0))
            if not r:
                raise SystemExit("timed out waiting for %r; last output %r" % (text, self.buf[-300:]))
            self.buf += os.read(self.fd, 65536)
        return time.perf_counter()

    def send(self, data):
        os.write(self.fd, data)
        return time.perf_counter()

    def answer(self, data, must=None, idle=0.15):
        """Writes data; reads until the terminal has been quiet for idle
        seconds; returns the milliseconds to the last byte (curses sends a
        screen update in one burst).  must: text the update has to hold."""
        start = len(self.buf)
        t0 = self.send(data)
        last = t0
        while True:  # the first byte may take long (that is what is measured)
            r, _, _ = select.select([self.fd], [], [], idle if last > t0 or not data else 60)
            if not r:
                break
            self.buf += os.read(self.fd, 65536)
            last = time.perf_counter()
        if must and must not in self.buf[start:]:
            raise SystemExit("no %r after %r: %r" % (must, data, self.buf[start:][-300:]))
        return (last - t0) * 1000

    def rss(self):
        for line in open("/proc/%d/status" % self.pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0

    def close(self):
        os.kill(self.pid, 15)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def one_run():
    t = Term()
    t.wait_for(b"F10")
    t.send(b"auditor\r")
    time.sleep(0.05)
    t.send(b"bench-password-2\r")
    t.wait_for(b"Audit trail")
    t.answer(b"", idle=0.3)  # the home screen is drawn completely
    open_ms = t.answer(b"1", b"Details:")
    home_ms = t.answer(HOME_KEY, b"system.init")
    end_ms = t.answer(END_KEY, b"operator.login")
    t.answer(b"f", b"Operator")
    t.answer(b"\t\trare")
    filter_ms = t.answer(b"\r", b"rare")
    t.answer(b"x")
    t.answer(b"f", b"Operator")
    t.answer(b"2024-10-01")
    since_ms = t.answer(b"\x1bOQ", b"matching")  # F2: apply; the newest since then
    since_home_ms = t.answer(HOME_KEY, b"matching")  # the first since then: rows before it are skipped
    rss = t.rss()
    t.close()
    return open_ms, home_ms, end_ms, filter_ms, rss, since_ms, since_home_ms


runs = [one_run() for _ in range(10)]
for i, what in [(0, "open the trail (newest page)"), (1, "Home: first entry"), (2, "End: newest entry"),
                (3, "filter on a rare operator"), (5, "filter since a date (newest page)"),
                (6, "filter since a date, Home (first match, 95% of rows before it)")]:
    v = [r[i] for r in runs]
    print("| audit trail, %s rows: %s | median %.1f ms | worst %.1f ms |" % (format(rows, ","), what,
                                                                         statistics.median(v), max(v)))
print("| audit trail open, %s rows | RSS %.1f MiB |" % (format(rows, ","), statistics.median(r[4] for r in runs)))
shutil.rmtree(tmp)
