#!/bin/bash
# Batch import rate through the product: `radesk app new --file` with a JSON
# array of N applications (each validated, its answer hashed with Argon2id,
# sealed, indexed and audited in its own transaction).
set -eu
BUILD=$(cd "${1:-build}" && pwd)
N=${RADESK_BENCH_IMPORT:-500}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/cfg HOME=$T
RADESK_PASSWORD=bench-password-1 "$BUILD/radesk" init --admin admin >/dev/null
RADESK_PASSWORD=bench-password-1 RADESK_NEW_PASSWORD=bench-password-2 "$BUILD/radesk" --as admin user add clerk --role clerk >/dev/null
python3 - "$N" >"$T/batch.json" <<'PY'
import json, sys
W=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
def rid(i):
    p="110105%04d%02d%02d%03d" % (1950+i%50, 1+i%12, 1+i%28, i%1000)
    return p+"10X98765432"[sum(int(a)*b for a,b in zip(p,W))%11]
n=int(sys.argv[1])
print(json.dumps([{"kind":"individual","product":"personal-sign","years":1,"username":"b%d"%i,
  "subject":{"name":"张%d"%i,"id_type":"resident_id","id_number":rid(i),"mobile":"139%08d"%i,"email":"b%d@example.cn"%i},
  "verification":{"question":"q","answer":"answer %d"%i},"agreement_version":"2026.1"} for i in range(n)], ensure_ascii=False))
PY
start=$(date +%s.%N)
RADESK_PASSWORD=bench-password-2 "$BUILD/radesk" --as clerk app new --file "$T/batch.json" >/dev/null 2>"$T/err"
end=$(date +%s.%N)
python3 -c "import sys; n=$N; s=$end-$start; print('| batch import (%d applications, one process) | %.1f s | %.0f applications/s |' % (n, s, n/s))"
