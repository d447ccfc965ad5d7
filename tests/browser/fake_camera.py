"""A video of a printed cheque's QR code, for Chromium's fake camera (``--use-file-for-fake-video-capture``)."""

import io
from pathlib import Path

import segno
from PIL import Image


def qr_video(path: Path, text: str, *, width: int = 640, height: int = 480, frames: int = 15) -> Path:
    """Write a Y4M (YUV 4:2:0) video showing the QR code of ``text`` on a white page, like a cheque held up."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=4)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    page = Image.new("RGB", (width, height), "white")
    page.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    y, cb, cr = page.convert("YCbCr").split()
    chroma = (width // 2, height // 2)
    frame = y.tobytes() + cb.resize(chroma).tobytes() + cr.resize(chroma).tobytes()
    with path.open("wb") as handle:
        handle.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            handle.write(b"FRAME\n" + frame)
    return path
