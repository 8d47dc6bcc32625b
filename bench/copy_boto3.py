#!/usr/bin/env python3
"""The peer in `pitr bench copy-back`: copies one DynamoDB table into another the way
dynamodump-style scripts do, with a parallel scan (one thread per segment) and boto3's
`batch_writer`, which buffers 25 items per BatchWriteItem and resubmits unprocessed items.

    python3 bench/copy_boto3.py --endpoint-url http://127.0.0.1:8000 \
        --source orders-recovery --target orders --segments 8

Prints one JSON line: {"items": N, "seconds": S}. Credentials and region default to dummy values,
since the endpoint is the embedded engine (which accepts any signature).
"""
import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def copy_segment(session_args, endpoint, source, target, segment, total):
    # One resource per thread: boto3 resources are not thread-safe.
    session = boto3.session.Session(**session_args)
    dynamodb = session.resource(
        "dynamodb",
        endpoint_url=endpoint,
        config=Config(retries={"max_attempts": 10, "mode": "adaptive"}, max_pool_connections=4),
    )
    src = dynamodb.Table(source)
    dst = dynamodb.Table(target)
    copied = 0
    kwargs = {"Segment": segment, "TotalSegments": total}
    with dst.batch_writer() as writer:
        while True:
            page = src.scan(**kwargs)
            for item in page.get("Items", []):
                writer.put_item(Item=item)
                copied += 1
            last = page.get("LastEvaluatedKey")
            if not last:
                break
            kwargs["ExclusiveStartKey"] = last
    return copied


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--segments", type=int, default=8)
    args = parser.parse_args()
    session_args = {
        "aws_access_key_id": os.environ.get("AWS_ACCESS_KEY_ID", "bench"),
        "aws_secret_access_key": os.environ.get("AWS_SECRET_ACCESS_KEY", "bench"),
        "region_name": os.environ.get("AWS_REGION", "us-east-1"),
    }
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.segments) as pool:
        futures = [
            pool.submit(
                copy_segment,
                session_args,
                args.endpoint_url,
                args.source,
                args.target,
                segment,
                args.segments,
            )
            for segment in range(args.segments)
        ]
        items = sum(f.result() for f in futures)
    seconds = time.monotonic() - start
    json.dump({"items": items, "seconds": seconds}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
