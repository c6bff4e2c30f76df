#!/usr/bin/env python3
"""Figures of bench/run: JSON, a markdown table and an SVG chart.

usage: report.py report RUNDIR PREFIX     RUNDIR/{meta,facts,times}.tsv ->
                                          PREFIX.json, PREFIX.md, PREFIX.svg
       report.py check PREFIX.json        exit 1 when a variant's output
                                          differed from the baseline's
       report.py compare-profiles A B     two LLVM text profiles (A: the
                                          hand-made one, B: pgo's) -> JSON

Speedup of a variant in time = the median over the rounds of (time of
the baseline / time of the variant) in that round, with the lowest and
highest such ratio as its spread: the variants run back to back in every
round, so a round's ratio is less affected by drift in the machine's
load than a ratio of medians (also kept, as "of_medians").  In
instructions: baseline count / variant count.  Shown as a percentage,
+5.0% meaning 1.05 times as fast.  The ratio pgo/manual is pgo's speedup
over the manual one's (in time: the median of manual / pgo per round):
1.00 means pgo delivers what the hand-made build does.
"""
import json
import os
import statistics
import sys
from collections import defaultdict
from xml.sax.saxutils import escape

VARIANT_ORDER = ["base", "manual", "manual-novp", "pgo"]


# ---- LLVM text profiles ---------------------------------------------------

def parse_text_profile(path):
    """Records of an llvm-profdata text profile: {(name, hash): record}."""
    recs = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = [l.rstrip("\n") for l in f]
    block = []

    def flush():
        if not block:
            return
        name, h, n = block[0], int(block[1], 0), int(block[2])
        counters = [int(x) for x in block[3:3 + n]]
        rest = block[3 + n:]
        if rest and rest[0].startswith("$"):
            rest = rest[1 + sum(1 for x in rest[1:] if x.startswith("0x")):]
        vp_sites = vp_values = 0
        if rest:
            # kinds, then per kind: kind, sites, per site: count, values
            i = 1
            for _ in range(int(rest[0])):
                i += 1
                sites = int(rest[i]); i += 1
                for _ in range(sites):
                    nv = int(rest[i]); i += 1
                    vp_sites += 1
                    vp_values += nv
                    i += nv
        recs[(name, h)] = {"counters": counters, "vp_sites": vp_sites, "vp_values": vp_values}
        block.clear()

    for line in lines:
        if line.startswith("#") or line.startswith(":"):
            continue
        if not line.strip():
            flush()
            continue
        block.append(line.strip())
    flush()
    return recs


def norm_name(name):
    """A static function's name without the directory of its file
    ('/a/b/src/x.c:f' and 'src/x.c:f' and 'x.c;f' all become 'x.c:f')."""
    for sep in (";", ":"):
        if sep in name:
            path, fn = name.rsplit(sep, 1)
            return os.path.basename(path) + ":" + fn
    return name


def compare_profiles(a_path, b_path):
    a, b = parse_text_profile(a_path), parse_text_profile(b_path)
    an = {(norm_name(k[0]), k[1]): v for k, v in a.items()}
    bn = {(norm_name(k[0]), k[1]): v for k, v in b.items()}
    common = set(an) & set(bn)
    names_a = {k[0] for k in an}
    names_b = {k[0] for k in bn}
    same = sum(1 for k in common if an[k]["counters"] == bn[k]["counters"])
    hash_differs = sorted(n for n in names_a & names_b
                          if {h for (m, h) in an if m == n} != {h for (m, h) in bn if m == n})
    differ = sorted(k[0] for k in common if an[k]["counters"] != bn[k]["counters"])
    total_a = sum(sum(v["counters"]) for v in an.values())
    total_b = sum(sum(v["counters"]) for v in bn.values())
    return {
        "manual_records": len(an), "pgo_records": len(bn), "matched": len(common),
        "identical_counters": same, "counters_differ": len(differ),
        "counters_differ_examples": differ[:8],
        "only_manual": len(set(an) - set(bn)), "only_pgo": len(set(bn) - set(an)),
        "only_manual_examples": sorted(k[0] for k in set(an) - set(bn))[:8],
        "hash_differs": len(hash_differs), "hash_differs_examples": hash_differs[:8],
        "manual_total_count": total_a, "pgo_total_count": total_b,
        "manual_value_sites": sum(v["vp_sites"] for v in an.values()),
        "manual_value_targets": sum(v["vp_values"] for v in an.values()),
        "pgo_value_sites": sum(v["vp_sites"] for v in bn.values()),
        "pgo_value_targets": sum(v["vp_values"] for v in bn.values()),
    }


# ---- the run's data ---------------------------------------------------------

def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]


def num(s):
    try:
        return int(s)
    except ValueError:
        try:
            return float(s)
        except ValueError:
            return s


def pgo_steps(path):
    """Phases of 'pgo optimize' from the timed log, in the order pgo runs
    them: [configure] build (baseline), [clean] build (instrumented),
    train..., [clean] build (optimized), bench..."""
    builds = 0
    out = defaultdict(float)
    rows = read_tsv(path)
    # 'pgo optimize' ends with its bench runs: what comes after them is
    # not part of it (bench/run's own 'pgo build' of an instrumented copy).
    benches = [i for i, row in enumerate(rows) if row[0] == "bench"]
    if benches:
        rows = rows[:benches[-1] + 1]
    for row in rows:
        label, t0, t1 = row[:3]
        dt = float(t1) - float(t0)
        if len(row) > 4:
            out["cpu_" + label] += float(row[4])
        if label == "build":
            builds += 1
            phase = ("baseline", "instrument", "optimized")[min(builds, 3) - 1]
            out["build_" + phase] += dt
        elif label in ("configure", "clean"):
            phase = ("baseline", "instrument", "optimized")[min(builds + 1, 3) - 1]
            out["build_" + phase] += dt
        else:
            out[label] += dt
        out["all"] += dt
    return dict(out)


def summary(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": xs}


def pct(x):
    return None if x is None else (x - 1) * 100


def build(rundir):
    meta = {}
    compilers = {}
    for row in read_tsv(os.path.join(rundir, "meta.tsv")):
        if row[0] == "compiler":
            compilers[row[1]] = row[2]
        else:
            meta[row[0]] = num(row[1])
    meta["compilers"] = compilers
    facts = defaultdict(dict)
    order = []
    for cc, prog, key, value in read_tsv(os.path.join(rundir, "facts.tsv")):
        if (cc, prog) not in facts:
            order.append((cc, prog))
        facts[(cc, prog)][key] = num(value)
    # times[clock][(cc, prog)][workload][variant][round] = seconds
    times = {"wall": defaultdict(lambda: defaultdict(dict)),
             "cpu": defaultdict(lambda: defaultdict(dict))}
    for row in read_tsv(os.path.join(rundir, "times.tsv")):
        cc, prog, w, v, r = row[:5]
        for clock, val in zip(("wall", "cpu"), row[5:]):
            times[clock][(cc, prog)][w].setdefault(v, {})[int(r)] = float(val)

    results = []
    for key in order:
        cc, prog = key
        f = facts[key]
        res = {"compiler": cc, "compiler_version": compilers.get(cc, ""), "program": prog,
               "version": f.get("version"), "build_system": f.get("build_system")}
        variants = [v for v in VARIANT_ORDER if ("binary_bytes." + v) in f]
        res["variants"] = variants

        # Wall and CPU time.
        for clock in ("wall", "cpu"):
            tm, speed = {}, {}
            for w in ("eval", "train"):
                tv = times[clock][key].get(w, {})
                if "base" not in tv:
                    continue
                tm[w] = {v: summary([tv[v][r] for r in sorted(tv[v])]) for v in variants if v in tv}
                sp = {}
                for v in variants:
                    if v == "base" or v not in tv:
                        continue
                    # A time below the clock's resolution (0.01 s) is
                    # no measurement: such rounds are left out.
                    rounds = [r for r in tv["base"] if r in tv[v] and tv[v][r] > 0 and tv["base"][r] > 0]
                    if not rounds:
                        continue
                    ratios = [tv["base"][r] / tv[v][r] for r in rounds]
                    sp[v] = {"speedup": statistics.median(ratios),
                             "round_min": min(ratios), "round_max": max(ratios),
                             "of_medians": tm[w]["base"]["median"] / tm[w][v]["median"]}
                if "manual" in sp and "pgo" in sp:
                    rounds = [r for r in tv["manual"] if r in tv["pgo"] and tv["pgo"][r] > 0 and tv["manual"][r] > 0]
                    ratios = [tv["manual"][r] / tv["pgo"][r] for r in rounds] or [float("nan")]
                    sp["pgo_over_manual"] = statistics.median(ratios)
                    sp["pgo_over_manual_min"] = min(ratios)
                    sp["pgo_over_manual_max"] = max(ratios)
                speed[w] = sp
            res["%s_s" % clock] = tm
            res["%s_speedup" % clock] = speed
        wall = res["wall_s"]

        # Instructions.
        ins, ins_speed = {}, {}
        for w in ("eval", "train"):
            iv = {v: f["instructions.%s.%s" % (w, v)] for v in variants
                  if ("instructions.%s.%s" % (w, v)) in f}
            if "base" not in iv:
                continue
            ins[w] = iv
            sp = {v: iv["base"] / iv[v] for v in iv if v != "base"}
            if "manual" in iv and "pgo" in iv:
                sp["pgo_over_manual"] = iv["manual"] / iv["pgo"]
            ins_speed[w] = sp
        res["instructions"] = ins
        res["instructions_speedup"] = ins_speed

        # Outputs.
        agree = True
        for w in ("eval", "train"):
            outs = {f.get("output.%s.%s" % (w, v)) for v in variants}
            agree = agree and len(outs) == 1
        res["outputs_agree"] = agree

        # Costs.
        steps = pgo_steps(f["pgo_steps"]) if "pgo_steps" in f else {}
        total = f.get("pgo_total_s")
        base_train = wall.get("train", {}).get("base", {}).get("median")
        base_train_cpu = res["cpu_s"].get("train", {}).get("base", {}).get("median")
        res["build_s"] = {
            "base": f.get("build_s.base"),
            "manual": {"generate": f.get("build_s.manual-generate"), "merge": f.get("merge_s.manual"),
                       "clean": f.get("clean_s.manual"), "use": f.get("build_s.manual-use")},
            "pgo": {k[6:]: round(v, 3) for k, v in steps.items() if k.startswith("build_")},
        }
        instr = {}
        for clock in ("wall", "cpu"):
            tv = times[clock][key].get("train", {})
            for who in ("manual", "pgo"):
                v = who + "-instr"
                base_med = statistics.median(tv["base"].values()) if "base" in tv else 0
                if base_med > 0 and v in tv:
                    rounds = [r for r in tv["base"] if r in tv[v] and tv["base"][r] > 0]
                    ratios = [tv[v][r] / tv["base"][r] for r in rounds] or [float("nan")]
                    instr["%s_%s" % (who, clock)] = {
                        "median_s": statistics.median(tv[v].values()),
                        "slowdown": statistics.median(tv[v].values()) / statistics.median(tv["base"].values()),
                        "round_min": min(ratios), "round_max": max(ratios)}
        res["training"] = {
            "instrumented_in_rounds": instr,
            "base_median_s": base_train,
            "base_median_cpu_s": base_train_cpu,
            "manual_instrumented_s": f.get("train_instr_s.manual"),
            "manual_instrumented_cpu_s": f.get("train_instr_cpu_s.manual"),
            "pgo_instrumented_s": round(steps["train"], 3) if "train" in steps else None,
            "pgo_instrumented_cpu_s": round(steps["cpu_train"], 3) if "cpu_train" in steps else None,
        }
        for who in ("manual", "pgo"):
            t = res["training"]["%s_instrumented_s" % who]
            c = res["training"]["%s_instrumented_cpu_s" % who]
            res["training"]["%s_slowdown" % who] = t / base_train if t and base_train else None
            res["training"]["%s_slowdown_cpu" % who] = c / base_train_cpu if c and base_train_cpu else None
        res["profile"] = {
            "manual_profraw_files": f.get("profraw_files.manual"),
            "manual_profraw_bytes": f.get("profraw_bytes.manual"),
            "manual_profdata_bytes": f.get("profdata_bytes.manual"),
            "pgo_profdata_bytes": f.get("profdata_bytes.pgo"),
            "pgo_store_bytes": f.get("store_bytes.pgo"),
            "compare": json.loads(f["profile_compare"]) if "profile_compare" in f else None,
        }
        res["use_build_warnings"] = {
            v: {"profile": f.get("use_warnings." + v), "value_sites": f.get("vp_site_warnings." + v)}
            for v in ("manual", "manual-novp", "pgo") if ("use_warnings." + v) in f}
        opt = {}
        if "pgo_optimize_json" in f and os.path.exists(f["pgo_optimize_json"]):
            with open(f["pgo_optimize_json"], encoding="utf-8") as fh:
                opt = json.load(fh)
        res["pgo"] = {
            "optimize_total_s": total,
            "steps_s": {k: round(v, 3) for k, v in steps.items()},
            "overhead_s": round(total - steps.get("all", 0), 3) if total is not None else None,
            "baseline_identical_to_ours": f.get("pgo_baseline_identical"),
            "wrapper_log_lines": f.get("pgo_wrapper_lines", 0),
            "diagnostics_log_lines": f.get("pgo_diagnostics_lines", 0),
            "diagnostics": f.get("pgo_diagnostics", ""),
            "optimize": opt,
        }
        res["binary_bytes"] = {v: f.get("binary_bytes." + v)
                               for v in variants + ["manual-instr", "pgo-instr"]}
        res["code_vs_manual"] = {"lines": f.get("code_lines.manual"),
                                 "pgo_lines_differ": f.get("code_diff_lines.pgo")}
        res["data_bytes"] = {"train": f.get("data_bytes.train"), "eval": f.get("data_bytes.eval")}
        results.append(res)
    return {"meta": meta, "results": results}


# ---- markdown ---------------------------------------------------------------

def fmt_pct(x, digits=1):
    return "n/a" if x is None else "%+.*f%%" % (digits, pct(x))


def fmt_ratio(x):
    return "n/a" if x is None else "%.3f" % x


def fmt_s(x):
    return "n/a" if x is None else "%.1f" % x


def kb(x):
    return "n/a" if x is None else "%.0f" % (x / 1024)


def slow(tr, who):
    rounds = tr.get("instrumented_in_rounds", {})
    c, w = rounds.get(who + "_cpu"), rounds.get(who + "_wall")
    if c and w:
        return "%.2fx [%.2f, %.2f] (%.2fx)" % (c["slowdown"], c["round_min"], c["round_max"], w["slowdown"])
    c, w = tr.get(who + "_slowdown_cpu"), tr.get(who + "_slowdown")
    return "%s (%s)" % ("n/a" if c is None else "%.2fx" % c, "n/a" if w is None else "%.2fx" % w)


def markdown(data):
    m = data["meta"]
    out = ["# bench/run: pgo on real programs", ""]
    out.append("Date %s; pgo %s (%s); flags `%s`; %s timed rounds per variant, pinned: %s; "
               "load average before %s, after %s." % (
                   m.get("date"), m.get("pgo"), m.get("pgo_commit"), m.get("cflags"), m.get("runs"),
                   m.get("pin"), m.get("load_before"), m.get("load_after")))
    for cc, ver in sorted(m.get("compilers", {}).items()):
        out.append("- %s: %s" % (cc, ver))
    out += ["", "## Speed", "",
            "Speedup over clang -O2 (+5.0% = 1.05 times as fast), for the wall time and the CPU "
            "time (user + system) of the whole workload: median over the rounds of the ratio "
            "base/variant within a round, [lowest, highest] such ratio; instructions: callgrind "
            "on smaller inputs. pgo/manual: pgo's speedup over the hand-made build's (1.000 = "
            "the same).", "",
            "| program | compiler | workload | base wall s (min-max) | manual wall | pgo wall "
            "| pgo/manual wall | manual CPU | pgo CPU | pgo/manual CPU | manual instr. | pgo instr. "
            "| pgo/manual instr. |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in data["results"]:
        for w in ("eval", "train"):
            wt = r["wall_s"].get(w, {})
            isp = r["instructions_speedup"].get(w, {})
            b = wt.get("base")

            def cell(clock, v):
                s = r["%s_speedup" % clock].get(w, {}).get(v)
                if not s:
                    return "n/a"
                return "%s [%s, %s]" % (fmt_pct(s["speedup"]), fmt_pct(s["round_min"]),
                                        fmt_pct(s["round_max"]))
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["program"], r["compiler"], "evaluation" if w == "eval" else "training",
                "%.3f (%.3f-%.3f)" % (b["median"], b["min"], b["max"]) if b else "n/a",
                cell("wall", "manual"), cell("wall", "pgo"),
                fmt_ratio(r["wall_speedup"].get(w, {}).get("pgo_over_manual")),
                cell("cpu", "manual"), cell("cpu", "pgo"),
                fmt_ratio(r["cpu_speedup"].get(w, {}).get("pgo_over_manual")),
                fmt_pct(isp.get("manual"), 2), fmt_pct(isp.get("pgo"), 2),
                fmt_ratio(isp.get("pgo_over_manual"))))
    if any("manual-novp" in r["variants"] for r in data["results"]):
        out += ["", "Hand-made PGO with value profiling off (`-mllvm -disable-vp=true`, as pgo "
                "builds), speedup over base:", "",
                "| program | compiler | workload | manual-novp wall | CPU | instr. | manual instr. "
                "| pgo instr. |",
                "|---|---|---|---|---|---|---|---|"]
        for r in data["results"]:
            for w in ("eval", "train"):
                s = r["wall_speedup"].get(w, {}).get("manual-novp")
                c = r["cpu_speedup"].get(w, {}).get("manual-novp")
                isp = r["instructions_speedup"].get(w, {})
                out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    r["program"], r["compiler"], w, fmt_pct(s["speedup"]) if s else "n/a",
                    fmt_pct(c["speedup"]) if c else "n/a", fmt_pct(isp.get("manual-novp"), 2),
                    fmt_pct(isp.get("manual"), 2), fmt_pct(isp.get("pgo"), 2)))
    out += ["", "## Costs", "",
            "Builds in seconds (manual: instrumented + merge + clean + optimized; pgo: the three "
            "builds of `pgo optimize`). Training slowdown: the instrumented training run against "
            "the baseline's on the training workload, medians over the rounds, CPU time "
            "[lowest, highest ratio in one round] (wall time). pgo overhead: the wall time of "
            "`pgo optimize` less its builds, training and benchmark commands.", "",
            "| program | compiler | build base | build manual | build pgo (base+instr+opt) "
            "| training slowdown manual | pgo | profraw KB (files) | profdata KB manual | pgo "
            "| store KB | pgo optimize s | pgo overhead s |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in data["results"]:
        bm = r["build_s"]["manual"]
        bp = r["build_s"]["pgo"]
        man = sum(x for x in bm.values() if x) if any(bm.values()) else None
        tr = r["training"]
        p = r["profile"]
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s |" % (
            r["program"], r["compiler"], fmt_s(r["build_s"]["base"]), fmt_s(man),
            "%s (%s+%s+%s)" % (fmt_s(sum(bp.values())) if bp else "n/a", fmt_s(bp.get("baseline")),
                               fmt_s(bp.get("instrument")), fmt_s(bp.get("optimized"))),
            slow(tr, "manual"), slow(tr, "pgo"),
            kb(p["manual_profraw_bytes"]), p["manual_profraw_files"], kb(p["manual_profdata_bytes"]),
            kb(p["pgo_profdata_bytes"]), kb(p["pgo_store_bytes"]),
            fmt_s(r["pgo"]["optimize_total_s"]), fmt_s(r["pgo"]["overhead_s"])))
    out += ["", "## Profiles: hand-made against pgo's", "",
            "Records matched by name (without directory) and CFG hash; 'value sites' warnings: "
            "clang's \"Inconsistent number of value sites\" in the optimized build; code lines "
            "differ: lines of pgo's .text disassembly that differ from the manual binary's, "
            "addresses masked.", "",
            "| program | compiler | records manual | pgo | matched | same counters | only manual "
            "| value sites manual | pgo | wrapper fallbacks | mismatched | missing "
            "| 'value sites' warnings manual | pgo | code lines differ | outputs agree |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in data["results"]:
        c = r["profile"]["compare"] or {}
        o = r["pgo"]["optimize"]
        uw = r.get("use_build_warnings", {})
        cv = r.get("code_vs_manual", {})
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["program"], r["compiler"], c.get("manual_records"), c.get("pgo_records"),
            c.get("matched"), c.get("identical_counters"), c.get("only_manual"),
            c.get("manual_value_sites"), c.get("pgo_value_sites"), o.get("wrapper_fallbacks"),
            o.get("profile_mismatches"), o.get("profile_missing"),
            uw.get("manual", {}).get("value_sites"), uw.get("pgo", {}).get("value_sites"),
            "n/a" if cv.get("lines") is None else "%s of %s" % (cv.get("pgo_lines_differ"), cv.get("lines")),
            "yes" if r["outputs_agree"] else "**NO**"))
    diags = [(r["program"], r["compiler"], r["pgo"]["diagnostics"]) for r in data["results"]
             if r["pgo"].get("diagnostics")]
    if diags:
        out += ["", "pgo's .pgo/diagnostics.log (kind, source, count):", ""]
        out += ["- %s (%s): %s" % d for d in diags]
    out.append("")
    return "\n".join(out)


# ---- SVG ------------------------------------------------------------------------

COLORS = {"manual": "#4878a8", "pgo": "#e07b39", "manual-novp": "#8aa9c8"}


def svg_chart(data):
    results = data["results"]
    panels = [("wall", "eval", "Wall time, evaluation workload"),
              ("wall", "train", "Wall time, training workload"),
              ("cpu", "eval", "CPU time, evaluation workload"),
              ("cpu", "train", "CPU time, training workload"),
              ("instructions", "eval", "Instructions (callgrind), evaluation workload"),
              ("instructions", "train", "Instructions (callgrind), training workload")]
    panels = [p for p in panels
              if any(r["%s_speedup" % p[0]].get(p[1]) for r in results)]
    bars = ["manual", "manual-novp", "pgo"]
    bars = [b for b in bars if any(b in r["variants"] for r in results)]
    groups = ["%s\n%s" % (r["program"], r["compiler"]) for r in results]

    def values(kind, w, r, b):
        s = r["%s_speedup" % kind].get(w, {}).get(b)
        if s is None:
            return None
        if kind in ("wall", "cpu"):
            return (pct(s["speedup"]), pct(s["round_min"]), pct(s["round_max"]))
        return (pct(s), None, None)

    def scale(kind):
        lo, hi = 0.0, 0.0
        for k, w, _ in panels:
            if k != kind:
                continue
            for r in results:
                for b in bars:
                    for x in values(k, w, r, b) or ():
                        if x is not None:
                            lo, hi = min(lo, x), max(hi, x)
        span = hi - lo
        step = 0.5 if span <= 4 else 1.0 if span <= 8 else 2.0 if span <= 20 else 5.0 if span <= 50 else 10.0
        vlo, vhi = lo, hi
        lo = -step * (int(-lo / step) + 1) if lo < 0 else -step
        hi = step * (int(hi / step) + 1)
        # Room for the labels at the ends of the longest bars.
        if vlo - lo < 0.6 * step:
            lo -= step
        if hi - vhi < 0.6 * step:
            hi += step
        return lo, hi, step
    scales = {k: scale(k) for k in ("wall", "cpu", "instructions")}

    # Panel plot area: wide enough for a readable label on every bar.
    pw, ph = max(430, len(groups) * (len(bars) * 34 + 20)), 300
    ml, mt, mb, gap = 60, 50, 60, 75
    cols = 2
    rows = (len(panels) + 1) // 2
    width = ml + cols * (pw + gap) + 10
    height = 70 + rows * (mt + ph + mb) + 30
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">' % (width, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="24" font-size="17" font-weight="bold">Speedup over clang -O2: '
         'hand-made PGO and pgo</text>' % ml,
         '<text x="%d" y="44" fill="#444">%s; whiskers: lowest and highest ratio of one '
         'round; higher is better</text>' % (ml, escape(str(data["meta"].get("date", ""))))]
    lx = max(ml + 560, width - 3 * 140 - 10)
    for i, b in enumerate(bars):
        o.append('<rect x="%d" y="%d" width="14" height="14" fill="%s"/>' % (lx + i * 140, 32, COLORS[b]))
        o.append('<text x="%d" y="44">%s</text>' % (lx + i * 140 + 20, "manual PGO" if b == "manual"
                                                   else "manual, no VP" if b == "manual-novp" else "pgo"))
    for pi, (kind, w, title) in enumerate(panels):
        lo, hi, step = scales[kind]
        x0 = ml + (pi % cols) * (pw + gap)
        y0 = 70 + (pi // cols) * (mt + ph + mb) + mt

        def y(v):
            return y0 + ph - (v - lo) / (hi - lo) * ph
        o.append('<text x="%d" y="%d" font-size="14" font-weight="bold">%s</text>' % (x0, y0 - 14, escape(title)))
        t = lo
        while t <= hi + 1e-9:
            o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s"/>' % (
                x0, x0 + pw, y(t), y(t), "#444" if abs(t) < 1e-9 else "#ddd"))
            o.append('<text x="%d" y="%.1f" text-anchor="end" fill="#333">%+g%%</text>' % (x0 - 6, y(t) + 4, round(t, 1)))
            t += step
        gw = pw / max(1, len(groups))
        bw = min(40, gw * 0.8 / len(bars))
        for gi, (g, r) in enumerate(zip(groups, results)):
            gx = x0 + gi * gw + (gw - bw * len(bars)) / 2
            for bi, b in enumerate(bars):
                v = values(kind, w, r, b)
                if not v or v[0] is None:
                    continue
                bx = gx + bi * bw
                top, bot = (y(v[0]), y(0)) if v[0] >= 0 else (y(0), y(v[0]))
                o.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>' % (
                    bx + 2, top, bw - 4, max(bot - top, 0.5), COLORS[b]))
                if v[1] is not None:
                    cx = bx + bw / 2
                    o.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#222"/>' % (cx, cx, y(v[1]), y(v[2])))
                    for e in (v[1], v[2]):
                        o.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#222"/>' % (cx - 4, cx + 4, y(e), y(e)))
                # The label sits at the end of the bar, on a white halo over
                # the whisker.
                ly = y(v[0]) - 4 if v[0] >= 0 else y(v[0]) + 12
                o.append('<text x="%.1f" y="%.1f" text-anchor="middle" font-size="10" '
                         'stroke="white" stroke-width="3" paint-order="stroke">%+.*f</text>' % (
                             bx + bw / 2, ly, 2 if kind == "instructions" else 1, v[0]))
            for li, part in enumerate(g.split("\n")):
                o.append('<text x="%.1f" y="%.1f" text-anchor="middle"%s>%s</text>' % (
                    x0 + gi * gw + gw / 2, y0 + ph + 18 + li * 14,
                    "" if li == 0 else ' fill="#555" font-size="11"', escape(part)))
    o.append("</svg>")
    return "\n".join(o) + "\n"


# ---- main ---------------------------------------------------------------------

def main(argv):
    if len(argv) == 4 and argv[1] == "compare-profiles":
        print(json.dumps(compare_profiles(argv[2], argv[3]), sort_keys=True))
        return 0
    if len(argv) == 4 and argv[1] == "report":
        data = build(argv[2])
        prefix = argv[3]
        with open(prefix + ".json", "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.write("\n")
        with open(prefix + ".md", "w", encoding="utf-8") as f:
            f.write(markdown(data))
        with open(prefix + ".svg", "w", encoding="utf-8") as f:
            f.write(svg_chart(data))
        return 0
    if len(argv) == 3 and argv[1] == "check":
        with open(argv[2], encoding="utf-8") as f:
            data = json.load(f)
        bad = [r for r in data["results"] if not r["outputs_agree"]]
        for r in bad:
            sys.stderr.write("bench/run: %s (%s): the variants' outputs differ\n" % (r["program"], r["compiler"]))
        return 1 if bad else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
