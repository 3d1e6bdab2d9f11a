"""Prints the JMH results (with -prof gc) as a Markdown table of ours vs raw limit, with allocation per operation.

Usage: jmh_table.py jmh.json direct_loop.txt
"""
import json
import sys

results = {r["benchmark"].rsplit(".", 1)[1]: r for r in json.load(open(sys.argv[1]))}
# the direct C loop's result (ns per inference) as a pseudo benchmark in us/op, without an error estimate
for line in open(sys.argv[2]):
    if line.startswith("direct_loop "):
        fields = dict(f.split("=") for f in line.split()[1:])
        results["directCLoop"] = {"primaryMetric": {"score": float(fields["ns_per_inference"]) / 1000.0,
                                                    "scoreError": None, "scoreUnit": "us/op"},
                                  "secondaryMetrics": {}}

PAIRS = [
    ("engineInfer", "bareOnnxRuntimeRun", "embedded engine infer vs bare ORT session.run, [1,16] FP32 Identity"),
    ("coreInfer", "directCLoop", "native core infer through JNA vs the C API called directly in C, on the C double"),
    ("decodeJson", "bareJsonWalk", "HTTP JSON request decode vs Jackson walking the same body"),
    ("decodeBinary", "bareBinaryWalk", "HTTP binary request decode vs Jackson walking the header + a view"),
    ("encodeJson", "bareJsonWrite", "HTTP JSON response encode vs Jackson writing the same fields"),
    ("encodeBinary", "bareBinaryWrite", "HTTP binary response encode vs Jackson writing the same header"),
    ("decodeRequest", "parseRequest", "gRPC ModelInferRequest parse + our decode vs protobuf parse alone"),
    ("encodeResponse", "buildResponse", "gRPC our ModelInferResponse encode + serialize vs hand-built + serialize"),
    ("buildRequest", None, "gRPC client: build + serialize a ModelInferRequest"),
    ("parseResponse", None, "gRPC client: parse a ModelInferResponse"),
    ("ensembleOfOneHop", "directModel", "embedded: an ensemble of one step vs that identity model called directly"),
    ("cacheHit", "cacheMiss", "embedded: response cache hit vs miss (lookup, run, copy in), identity model"),
]


def score(result):
    metric = result["primaryMetric"]
    error = metric["scoreError"]
    unit = metric["scoreUnit"].replace("/op", "").replace("us", "µs")
    text = f"{metric['score']:.2f}" if metric["score"] < 100 else f"{metric['score']:.0f}"
    if isinstance(error, (int, float)) and error == error:  # NaN when too few iterations
        text += f" ± {error:.2f}" if error < 100 else f" ± {error:.0f}"
    return text + " " + unit


def allocation(result):
    norm = result["secondaryMetrics"].get("gc.alloc.rate.norm")
    return f"{norm['score']:.0f}" if norm else "–"


print("| micro benchmark (FP32[1,16]) | ours | raw limit | ratio | ours B/op | limit B/op |")
print("|---|---|---|---|---|---|")
for ours, raw, label in PAIRS:
    if ours not in results or (raw is not None and raw not in results):
        continue
    o = results[ours]
    if raw is None:
        print(f"| {label} | {score(o)} | | | {allocation(o)} | |")
        continue
    r = results[raw]
    ratio = o["primaryMetric"]["score"] / r["primaryMetric"]["score"]
    print(f"| {label} | {score(o)} | {score(r)} | {ratio:.2f} | {allocation(o)} | {allocation(r)} |")
