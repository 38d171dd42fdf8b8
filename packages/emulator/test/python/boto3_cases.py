"""Runs boto3 calls described on stdin (a JSON list of cases) and prints one JSON result per case.

Endpoints, credentials and region come from the environment, the way an application is pointed at
the emulator (AWS_ENDPOINT_URL_BEDROCK_RUNTIME, AWS_ENDPOINT_URL_BEDROCK, AWS_ACCESS_KEY_ID, ...).
The vitest suite (boto3.test.ts) builds the cases and asserts on the results; this script only calls.

A case: {"name", "service": "bedrock-runtime" | "bedrock", "method": "<boto3 method>", "params": {...},
"body": <JSON for invoke_model's body, sent with no contentType or accept>, "retries": false (one
attempt), "paginate": true (collect every page), "wait": true (poll get_async_invoke until the job
leaves InProgress)}.
"""
import json
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def make_client(service, retries):
    config = None if retries else Config(retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client(service, config=config)


def run(case):
    client = make_client(case["service"], case.get("retries", True))
    method = case["method"]
    params = dict(case.get("params", {}))
    if "body" in case:
        params["body"] = json.dumps(case["body"])
    if case.get("paginate"):
        pages = list(client.get_paginator(method).paginate(**params))
        return {"pages": [{k: v for k, v in page.items() if k != "ResponseMetadata"} for page in pages]}
    response = getattr(client, method)(**params)
    result = {k: v for k, v in response.items() if k not in ("ResponseMetadata", "body")}
    if "body" in response:
        result["body"] = json.loads(response["body"].read())
    if case.get("wait"):
        arn = response["invocationArn"]
        for _ in range(400):  # bounded: 400 polls of 25 ms
            job = client.get_async_invoke(invocationArn=arn)
            if job["status"] != "InProgress":
                break
            time.sleep(0.025)
        result["job"] = {k: v for k, v in job.items() if k != "ResponseMetadata"}
    return result


def main():
    results = []
    for case in json.load(sys.stdin):
        try:
            results.append({"name": case["name"], "ok": True, "result": run(case)})
        except ClientError as error:
            client = make_client(case["service"], True)
            code = error.response["Error"]["Code"]
            modeled = getattr(client.exceptions, code, None)
            results.append(
                {
                    "name": case["name"],
                    "ok": False,
                    "error": {
                        "code": code,
                        "class": type(error).__name__,
                        "modeled": modeled is not None and isinstance(error, modeled),
                        "status": error.response["ResponseMetadata"].get("HTTPStatusCode"),
                        "message": error.response["Error"].get("Message", ""),
                    },
                }
            )
    json.dump(results, sys.stdout, default=str)


if __name__ == "__main__":
    main()
