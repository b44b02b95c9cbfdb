#!/bin/bash
# faultca: a fault-injecting HTTPS stand-in for a cfssl CA, for the replies a
# real CA would not give.  TLS is socat's (OpenSSL); each connection is one
# HTTP/1.1 exchange handled by this script.
#
#   faultca.sh start DIR MODE     start on a free 127.0.0.1 port; prints the URL
#   faultca.sh stop DIR
# DIR holds the state: pid, port, counter, log.  Environment read at start:
#   FAULT_CERT FAULT_KEY  the server's TLS certificate and key (required)
#   FAULT_CLIENT_CA       when set, client certificates must chain to it
# MODE:
#   garbage           HTTP 200 with a body that is not JSON
#   refuse            HTTP 200, cfssl JSON with success:false and a reason
#   http500:N         HTTP 500 for the first N requests, then forwards to the
#                     real CA at FAULT_UPSTREAM (URL) with FAULT_UP_TRUST,
#                     FAULT_UP_CERT, FAULT_UP_KEY
#   reply:FILE        HTTP 200 with FILE as the body (e.g. a certificate for
#                     another key or from another CA, wrapped in cfssl JSON)
#   silent            TCP accepted, nothing ever said (no TLS either)
# Every request is appended to DIR/requests.log (first line and body size).
set -u

. "$(dirname "${BASH_SOURCE[0]}")/../fixtures/ports.sh"

respond() { # status reason body
	printf 'HTTP/1.1 %s %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\nDate: %s\r\n\r\n%s' \
		"$1" "$2" "${#3}" "$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')" "$3"
}

handle() { # DIR MODE: one HTTP exchange on stdin/stdout
	local dir=$1 mode=$2 line len=0 reqline path body n
	LC_ALL=C
	IFS= read -r reqline || exit 0
	reqline=${reqline%$'\r'}
	path=$(printf '%s' "$reqline" | awk '{print $2}')
	while IFS= read -r line; do
		line=${line%$'\r'}
		[ -z "$line" ] && break
		case "${line,,}" in content-length:*) len=${line#*:}; len=${len// /} ;; esac
	done
	body=$(head -c "$len")
	echo "$reqline ${#body}" >>"$dir/requests.log"
	case "$mode" in
	garbage)
		respond 200 OK '<html><body>Service temporarily re-routed</body></html>' ;;
	refuse)
		respond 200 OK '{"success":false,"result":null,"errors":[{"code":5300,"message":"policy violation: subject not allowed"}],"messages":[]}' ;;
	http500:*)
		n=$(flock "$dir/counter" bash -c 'n=$(($(cat "$1" 2>/dev/null || echo 0) + 1)); echo $n >"$1"; echo $n' _ "$dir/counter")
		if [ "$n" -le "${mode#http500:}" ]; then
			respond 500 'Internal Server Error' '{"success":false,"result":null,"errors":[{"code":500,"message":"database is locked"}],"messages":[]}'
		else
			local out
			out=$(printf '%s' "$body" | curl -sS --max-time 10 --cacert "$FAULT_UP_TRUST" \
				--cert "$FAULT_UP_CERT" --key "$FAULT_UP_KEY" -H 'Content-Type: application/json' \
				--data-binary @- "$FAULT_UPSTREAM$path")
			respond 200 OK "$out"
		fi ;;
	reply:*)
		respond 200 OK "$(cat "${mode#reply:}")" ;;
	esac
}

start() { # DIR MODE
	local dir=$1 mode=$2 port pid verify i
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	rm -f "$dir/counter" "$dir/requests.log"
	: >"$dir/counter"
	port=$(fixture_free_port) || { echo "faultca: no free port" >&2; return 1; }
	if [ "$mode" = silent ]; then
		setsid socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork SYSTEM:'sleep 120' \
			</dev/null >>"$dir/socat.log" 2>&1 &
	else
		verify="verify=0"
		[ -n "${FAULT_CLIENT_CA:-}" ] && verify="verify=1,cafile=$FAULT_CLIENT_CA"
		export FAULT_UPSTREAM="${FAULT_UPSTREAM:-}" FAULT_UP_TRUST="${FAULT_UP_TRUST:-}" \
			FAULT_UP_CERT="${FAULT_UP_CERT:-}" FAULT_UP_KEY="${FAULT_UP_KEY:-}"
		setsid socat OPENSSL-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork,cert="$FAULT_CERT",key="$FAULT_KEY",$verify \
			SYSTEM:"exec bash '$0' handle '$dir' '$mode'" </dev/null >>"$dir/socat.log" 2>&1 &
	fi
	pid=$!
	echo "$pid" >"$dir/pid"
	echo "$port" >"$dir/port"
	for i in $(seq 1 100); do
		ss -Hltn 2>/dev/null | awk '{print $4}' | grep -q ":$port\$" && break
		kill -0 "$pid" 2>/dev/null || { echo "faultca: socat exited; see $dir/socat.log" >&2; return 1; }
		sleep 0.05
	done
	echo "https://127.0.0.1:$port"
}

stop() { # DIR
	local pid
	pid=$(cat "$1/pid" 2>/dev/null) || return 0
	# socat runs in its own session (setsid): stop it and its children
	kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null
	rm -f "$1/pid"
	return 0
}

case "${1:-}" in
handle) handle "$2" "$3" ;;
start) start "$2" "$3" ;;
stop) stop "$2" ;;
*) echo "usage: $0 start DIR MODE | stop DIR" >&2; exit 2 ;;
esac
