#!/usr/bin/env python3
"""Generate src/template/diff/create_only.txt: for every CloudFormation resource type, the properties
whose change makes CloudFormation replace the resource.

Source: the CloudFormation resource-provider schemas that cfn-lint ships (its
data/schemas/resources, indexed by data/schemas/providers/us_east_1.py), which are AWS's published
registry schemas with cfn-lint's patches applied. From each schema, two lists are kept:
  * createOnlyProperties: "a property that can only be specified at creation; changing it
    replaces the resource";
  * conditionalCreateOnlyProperties: properties whose change replaces the resource under some
    conditions only (CloudFormation decides at update time), reported as "may replace".

Usage:
  python3 -m pip install cfn-lint==<version>
  python3 scripts/gen_create_only.py > src/template/diff/create_only.txt

The output is committed, so a build needs no Python.

Format (after the `#` header lines, one resource type a line, sorted, fields separated by tabs):
  <Type> <create-only paths> <conditional create-only paths>
Paths drop the schema's `/properties/` prefix and keep its JSON-pointer form below it
(`Tags/*/Key`, `*` for any list item); several paths are separated by commas; a type with
neither list has two empty fields (every change of it is made in place), so that a type missing
from the table is one the schemas do not know.
"""
import importlib.util
import json
import os
import sys

import cfnlint
import cfnlint.version

ROOT = os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas")
PREFIX = "/properties/"


def provider_types():
    path = os.path.join(ROOT, "providers", "us_east_1.py")
    spec = importlib.util.spec_from_file_location("us_east_1", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.types


def paths(schema, key):
    out = []
    for p in schema.get(key, []):
        if not p.startswith(PREFIX):
            sys.exit(f"unexpected path {p!r} in {schema.get('typeName')}")
        out.append(p[len(PREFIX):])
    return ",".join(out)


def main():
    print("# CloudFormation create-only properties per resource type (generated; do not edit).")
    print(f"# Source: cfn-lint {cfnlint.version.__version__} data/schemas (us-east-1 resource schemas).")
    print("# Generator: scripts/gen_create_only.py. Fields: type, createOnlyProperties,")
    print("# conditionalCreateOnlyProperties; paths below /properties/, comma-separated.")
    for type_name, digest in sorted(provider_types().items()):
        if not type_name.startswith(("AWS::", "Alexa::")):
            continue
        with open(os.path.join(ROOT, "resources", digest + ".json")) as f:
            schema = json.load(f)
        create_only = paths(schema, "createOnlyProperties")
        conditional = paths(schema, "conditionalCreateOnlyProperties")
        if "\t" in create_only + conditional or "," in type_name:
            sys.exit(f"a separator inside the data of {type_name}")
        print(f"{type_name}\t{create_only}\t{conditional}")


if __name__ == "__main__":
    main()
