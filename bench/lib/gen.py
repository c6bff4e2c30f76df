#!/usr/bin/env python3
"""Deterministic inputs for the workloads of bench/run.

usage: gen.py KIND SEED BYTES OUT

KIND is one of
  prose     English-like text: Zipf-distributed words, sentences, paragraphs
  logs      web-server style log lines: dates, addresses, paths, statuses
  records   binary: little-endian fixed-size records (ids, counters, floats)
  samples   binary: 16-bit sensor samples, slowly varying, with noise
  markdown  Markdown documents: headings, lists, emphasis, links, code
The same KIND, SEED and BYTES always give the same bytes (Python's
random.Random is stable across versions for these calls).
"""
import itertools
import random
import struct
import sys

SYLLABLES = ["ka", "ro", "mi", "ten", "sa", "lo", "ver", "an", "di", "po",
             "gre", "li", "tho", "nu", "bel", "es", "qua", "rin", "to", "ma"]


def vocabulary(rng, n):
    words = set()
    while len(words) < n:
        k = rng.choice((1, 2, 2, 3, 3, 4))
        words.add("".join(rng.choice(SYLLABLES) for _ in range(k)))
    words = sorted(words)
    rng.shuffle(words)
    return words


def zipf_picker(rng, words):
    cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(words))))
    def pick(k):
        return rng.choices(words, cum_weights=cum, k=k)
    return pick


def sentence(rng, pick):
    ws = pick(rng.randint(4, 18))
    ws[0] = ws[0].capitalize()
    for i in range(1, len(ws) - 1):
        if rng.random() < 0.08:
            ws[i] += ","
    return " ".join(ws) + rng.choice((".", ".", ".", "?", "!"))


def gen_prose(rng, size, out):
    pick = zipf_picker(rng, vocabulary(rng, 3000))
    n = 0
    while n < size:
        para = " ".join(sentence(rng, pick) for _ in range(rng.randint(2, 8)))
        text = "\n".join(wrap(para, 72)) + "\n\n"
        out.write(text.encode())
        n += len(text)


def wrap(text, width):
    lines, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    if cur:
        lines.append(cur)
    return lines


def gen_logs(rng, size, out):
    pick = zipf_picker(rng, vocabulary(rng, 400))
    agents = ["Mozilla/5.0 (X11; Linux x86_64)", "curl/7.88.1", "Wget/1.21.3",
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "python-requests/2.28.1"]
    methods = ["GET"] * 8 + ["POST", "HEAD"]
    statuses = [200] * 12 + [304, 404, 301, 500, 403]
    t = 1700000000
    n = 0
    while n < size:
        t += rng.randint(0, 3)
        ip = "%d.%d.%d.%d" % (rng.choice((10, 172, 192, 203)), rng.randint(0, 255),
                              rng.randint(0, 255), rng.randint(1, 254))
        path = "/" + "/".join(pick(rng.randint(1, 4)))
        if rng.random() < 0.3:
            path += "?id=%d&page=%d" % (rng.randint(1, 99999), rng.randint(1, 40))
        line = '%s - - [%d] "%s %s HTTP/1.1" %d %d "-" "%s"\n' % (
            ip, t, rng.choice(methods), path, rng.choice(statuses),
            rng.randint(0, 60000), rng.choice(agents))
        out.write(line.encode())
        n += len(line)


def gen_records(rng, size, out):
    # struct { u32 id; u32 flags; u64 time; f64 value; u16 kind; u16 pad; u32 count; }
    rec = struct.Struct("<IIQdHHI")
    t = 1600000000000
    value = 100.0
    n, i = 0, 0
    while n < size:
        i += 1
        t += rng.randint(1, 2000)
        value += rng.gauss(0, 1.5)
        b = rec.pack(i, rng.choice((0, 0, 0, 1, 4, 5)), t, round(value, 2),
                     rng.randint(0, 12), 0, rng.randint(0, 1000) if rng.random() < 0.5 else 0)
        out.write(b)
        n += len(b)


def gen_samples(rng, size, out):
    # Four interleaved channels that drift slowly, quantized, with rare spikes.
    level = [2000.0, 8000.0, 30000.0, 500.0]
    n = 0
    while n < size:
        steps = rng.choices((-8, -4, 0, 0, 0, 4, 8), k=4 * 4096)
        vals = []
        for i, st in enumerate(steps):
            c = i & 3
            level[c] = min(60000.0, max(0.0, level[c] + st))
            vals.append(int(level[c]) & ~3)
        for _ in range(4):
            vals[rng.randrange(len(vals))] = 65535
        buf = struct.pack("<%dH" % len(vals), *vals)
        out.write(buf)
        n += len(buf)


def gen_markdown(rng, size, out):
    pick = zipf_picker(rng, vocabulary(rng, 2000))
    n = 0

    def inline():
        ws = pick(rng.randint(6, 30))
        ws[0] = ws[0].capitalize()
        for i in range(len(ws)):
            r = rng.random()
            if r < 0.04:
                ws[i] = "*" + ws[i] + "*"
            elif r < 0.07:
                ws[i] = "**" + ws[i] + "**"
            elif r < 0.09:
                ws[i] = "`" + ws[i] + "()`"
            elif r < 0.11:
                ws[i] = "[%s](https://example.org/%s.html)" % (ws[i], ws[i])
            elif r < 0.115:
                ws[i] = "<https://example.com/%s>" % ws[i]
            elif r < 0.12:
                ws[i] = ws[i] + " &amp;"
        return " ".join(ws) + "."

    while n < size:
        parts = ["#" * rng.randint(1, 3) + " " + " ".join(pick(rng.randint(1, 5))).title(), ""]
        for _ in range(rng.randint(2, 7)):
            r = rng.random()
            if r < 0.5:
                parts += wrap(" ".join(inline() for _ in range(rng.randint(1, 4))), 76)
            elif r < 0.7:
                for _ in range(rng.randint(2, 6)):
                    parts.append(rng.choice(("- ", "* ", "1. ")) + inline())
                    if rng.random() < 0.3:
                        parts.append("    - " + inline())
            elif r < 0.8:
                parts.append("```c")
                for j in range(rng.randint(2, 10)):
                    parts.append("%sint %s = %s(%d);" % ("    " * (j % 3), pick(1)[0],
                                                          pick(1)[0], rng.randint(0, 99)))
                parts.append("```")
            elif r < 0.9:
                parts += ["> " + line for line in wrap(inline() + " " + inline(), 70)]
            else:
                parts.append("    " + " ".join(pick(rng.randint(2, 8))))
            parts.append("")
        text = "\n".join(parts) + "\n"
        out.write(text.encode())
        n += len(text)


KINDS = {"prose": gen_prose, "logs": gen_logs, "records": gen_records,
         "samples": gen_samples, "markdown": gen_markdown}


def main(argv):
    if len(argv) != 5 or argv[1] not in KINDS:
        sys.stderr.write(__doc__)
        return 2
    rng = random.Random(int(argv[2]))
    with open(argv[4], "wb") as out:
        KINDS[argv[1]](rng, int(argv[3]), out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
