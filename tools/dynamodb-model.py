#!/usr/bin/env python3
"""Derives the embedded engine's request-shape description from the AWS DynamoDB service model.

Reads botocore's service-2.json(.gz) for DynamoDB 2012-08-10 (Apache-2.0) and writes
src/main/resources/pitr/local/model/dynamodb-shapes.json: for each operation its input shape, and
for every shape reachable from an input its type, members (in model order), required members and
constraints (min/max length or value, pattern, enum). Documentation is dropped.

Regenerate after a botocore upgrade (the generated file is committed, so the build needs no Python):

    python3 tools/dynamodb-model.py [path/to/service-2.json.gz]
"""
import gzip
import json
import os
import sys

DEFAULT_MODEL = None
try:
    import botocore

    DEFAULT_MODEL = os.path.join(
        os.path.dirname(botocore.__file__), "data", "dynamodb", "2012-08-10", "service-2.json.gz"
    )
except ImportError:
    pass

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..",
    "src",
    "main",
    "resources",
    "pitr",
    "local",
    "model",
    "dynamodb-shapes.json",
)


# Where DynamoDB's servers enforce more than the published model says. The model relaxed
# CreateTable when it gained global-table replicas (GlobalTableSourceArn) and table ARNs, but a
# CreateTable request still needs a key schema and attribute definitions, and a new table's name is
# still 3 to 255 characters of [a-zA-Z0-9_.-].
OVERRIDES = {
    "CreateTableInput": {
        "required": ["AttributeDefinitions", "TableName", "KeySchema"],
        "members": {"TableName": "TableName"},
    },
}

# The order in which DynamoDB lists an enum's values in "Member must satisfy enum value set: [...]"
# where its answers have been recorded (it is neither the model's order nor sorted); the other
# enums keep the model's order.
ENUM_ORDER = {
    "ComparisonOperator": [
        "IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE",
        "BEGINS_WITH", "GE", "CONTAINS",
    ],
    "ProjectionType": ["ALL", "INCLUDE", "KEYS_ONLY"],
    "ReturnConsumedCapacity": ["INDEXES", "TOTAL", "NONE"],
    "ReturnItemCollectionMetrics": ["SIZE", "NONE"],
    "ReturnValue": ["ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW"],
    "ScalarAttributeType": ["B", "N", "S"],
    "Select": ["SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"],
}


def apply_overrides(shapes):
    for name, order in ENUM_ORDER.items():
        if sorted(shapes[name]["enum"]) != sorted(order):
            sys.exit(f"{name}: the model's values {shapes[name]['enum']} differ from {order}")
        shapes[name]["enum"] = order
    for name, override in OVERRIDES.items():
        shape = shapes[name]
        if "required" in override:
            shape["required"] = override["required"]
        for member, target in override.get("members", {}).items():
            shape["members"][member]["shape"] = target


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def compact(shape):
    out = {"type": shape["type"]}
    for key in ("min", "max", "pattern", "enum", "required"):
        if key in shape:
            out[key] = shape[key]
    if shape["type"] == "structure":
        out["members"] = [[name, m["shape"]] for name, m in shape.get("members", {}).items()]
    elif shape["type"] == "list":
        out["member"] = shape["member"]["shape"]
    elif shape["type"] == "map":
        out["key"] = shape["key"]["shape"]
        out["value"] = shape["value"]["shape"]
    return out


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_MODEL
    if not path or not os.path.exists(path):
        sys.exit("usage: dynamodb-model.py path/to/dynamodb/2012-08-10/service-2.json.gz")
    model = load(path)
    shapes = model["shapes"]
    apply_overrides(shapes)
    operations = {
        name: op["input"]["shape"] for name, op in sorted(model["operations"].items()) if "input" in op
    }
    reachable, todo = {}, list(operations.values())
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        shape = compact(shapes[name])
        reachable[name] = shape
        todo.extend(m for _, m in shape.get("members", []))
        todo.extend(shape[k] for k in ("member", "key", "value") if k in shape)
    doc = {
        "source": "botocore data/dynamodb/2012-08-10/service-2.json (Apache-2.0), uid "
        + model["metadata"]["uid"]
        + "; regenerate with tools/dynamodb-model.py",
        "operations": operations,
        "shapes": dict(sorted(reachable.items())),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=0, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.normpath(OUT)}: {len(operations)} operations, {len(reachable)} shapes")


if __name__ == "__main__":
    main()
