#!/usr/bin/python3
"""
libsrtp, the reference SRTP implementation, driven through Debian's python3-pylibsrtp for the
interop tests of @purertc/srtp (test/interop-libsrtp.test.ts).

Reads JSON lines on stdin and answers each with one JSON line on stdout, in order:

  {"op": "hello"}                                    -> {"ok": true, "pylibsrtp": "0.8.0"}
  {"op": "session", "session": "name", "profile": 1, "key": "<hex master key || salt>",
   "direction": "outbound" | "inbound"}              -> {"ok": true}
  {"op": "protect" | "protect_rtcp" | "unprotect" | "unprotect_rtcp",
   "session": "name", "packet": "<hex>"}             -> {"ok": true, "packet": "<hex>"}
                                                        or {"ok": false, "error": "<libsrtp error>"}

Profiles are libsrtp's srtp_profile_t values, which are the DTLS-SRTP profile ids.
"""
import json
import sys

import pylibsrtp


def handle(sessions, request):
    op = request["op"]
    if op == "hello":
        return {"ok": True, "pylibsrtp": pylibsrtp.__version__}
    if op == "session":
        direction = request["direction"]
        policy = pylibsrtp.Policy(
            key=bytes.fromhex(request["key"]),
            ssrc_type=(
                pylibsrtp.Policy.SSRC_ANY_OUTBOUND
                if direction == "outbound"
                else pylibsrtp.Policy.SSRC_ANY_INBOUND
            ),
            srtp_profile=request["profile"],
        )
        sessions[request["session"]] = pylibsrtp.Session(policy)
        return {"ok": True}
    session = sessions[request["session"]]
    method = {
        "protect": session.protect,
        "protect_rtcp": session.protect_rtcp,
        "unprotect": session.unprotect,
        "unprotect_rtcp": session.unprotect_rtcp,
    }[op]
    return {"ok": True, "packet": method(bytes.fromhex(request["packet"])).hex()}


def main():
    sessions = {}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            answer = handle(sessions, json.loads(line))
        except pylibsrtp.Error as error:
            answer = {"ok": False, "error": str(error)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
