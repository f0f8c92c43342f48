"""Start or stop nginx in front of `make serve-prod` for bench/load.py (X-Accel-Redirect).

    .venv/bin/python bench/nginx.py start --media /srv/media [--port 8080] [--upstream 127.0.0.1:8001]
    .venv/bin/python bench/nginx.py stop

Run the app with PUBLISHED_FILE_HEADER=X-Accel-Redirect, then
`bench/load.py --url http://127.0.0.1:8080`.
"""

import argparse
import subprocess
from pathlib import Path

import _noise  # bench/_noise.py (the script's directory is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
TMP = Path("/tmp/ita-bench-nginx")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--media", default=str(ROOT / "var" / "media"))
    parser.add_argument("--port", default="8080")
    parser.add_argument("--upstream", default="127.0.0.1:8001")
    args = parser.parse_args()
    _noise.report()
    conf = TMP / "nginx.conf"
    if args.action == "stop":
        subprocess.run(["nginx", "-c", str(conf), "-s", "stop"], check=False)
        return
    TMP.mkdir(exist_ok=True)
    text = (ROOT / "bench" / "nginx.conf").read_text()
    values = {"TMP": str(TMP), "UPSTREAM": args.upstream, "PORT": args.port,
              "STATIC_ROOT": str(ROOT / "staticfiles"), "MEDIA_ROOT": str(Path(args.media).resolve())}
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    conf.write_text(text)
    subprocess.run(["nginx", "-c", str(conf)], check=True)
    print(f"nginx on 127.0.0.1:{args.port} -> {args.upstream}")


if __name__ == "__main__":
    main()
