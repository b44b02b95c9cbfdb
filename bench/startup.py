#!/usr/bin/env python3
"""Cold start to the login screen, and resident memory there, with a
database of 100,000 audit rows.  radesk runs in a pseudo-terminal; the
clock starts before exec and stops when the login screen's last line has
been written.  Median and worst of 20 runs."""
import os, pty, select, shutil, statistics, subprocess, sys, tempfile, time

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
radesk = os.path.join(build, "radesk")
tmp = tempfile.mkdtemp(prefix="radesk-bench-start-")
env = dict(os.environ, HOME=tmp, XDG_DATA_HOME=tmp + "/data", XDG_CONFIG_HOME=tmp + "/cfg",
           TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8", LANGUAGE="")
env.pop("RADESK_CONFIG", None)
subprocess.run([radesk, "init", "--admin", "admin"], env=dict(env, RADESK_PASSWORD="bench-password-1"),
               check=True, stdout=subprocess.DEVNULL)
db = tmp + "/data/radesk/radesk.db"
# 100,000 rows appended the way the product appends them would take a while;
# startup does not walk the chain, so rows of the right shape are enough.
subprocess.run(["sqlite3", db, """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO audit(seq, at, operator, action, object, details, prev_hash, hash)
SELECT i + 10, 1763686800 + i, 'clerk', 'app.register', printf('RA-20261121-%06d', i),
       '{"kind":"individual","product":"personal-sign"}', printf('%064d', i), printf('%064d', i + 1) FROM n;
UPDATE audit_head SET entries = (SELECT max(seq) FROM audit);"""], check=True)

def one_run():
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(radesk, [radesk], env)
    t0 = time.perf_counter()
    buf = b""
    rss = hwm = 0
    while True:
        r, _, _ = select.select([fd], [], [], 5)
        if not r:
            raise SystemExit("no login screen within 5 s")
        try:
            buf += os.read(fd, 65536)
        except OSError:
            raise SystemExit("radesk exited before the login screen: %r" % buf[-300:])
        if b"F10" in buf:
            t = time.perf_counter() - t0
            for line in open("/proc/%d/status" % pid):
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
            break
    os.kill(pid, 15)
    os.waitpid(pid, 0)
    os.close(fd)
    return t * 1000, rss / 1024, hwm / 1024

runs = [one_run() for _ in range(20)]
ms = [r[0] for r in runs]
print("| cold start to login screen (100,000 audit rows) | median %.1f ms | worst %.1f ms | RSS %.1f MiB (peak %.1f MiB) |"
      % (statistics.median(ms), max(ms), statistics.median(r[1] for r in runs), max(r[2] for r in runs)))
shutil.rmtree(tmp)
