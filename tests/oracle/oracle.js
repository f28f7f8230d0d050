// The independent evaluator of the differential test (tests/suite/iam_differential.rs): reads one
// case per line on stdin, answers one line per case on stdout, in order.
//
// A case: {"policy": <resource policy>, "action": "s3:GetObject", "resource": "<ARN>",
//          "resourceAccount": "<12 digits>", "caller": <see below>, "context": {key: value}}
// caller: {"arn": "<principal ARN>"} | {"service": "logs.amazonaws.com"} | {"anonymous": true}
// An answer: {"result": "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied"} or
//            {"error": "<why the oracle refused the case>"}.
//
// How "this resource policy alone" is asked of a full evaluator: the policy is the resource
// policy of a resource owned by `resourceAccount`, an account no caller belongs to. For a
// signed AWS caller the request is then cross-account, which AWS allows only when both the
// identity side and the resource policy allow; the identity side is one policy allowing every
// action on every resource, so the answer is the resource policy's. Service and anonymous
// callers carry no identity policies, and the resource policy alone decides for them.
'use strict';

const readline = require('node:readline');
const { runSimulation, anonymousPrincipal } = require('@cloud-copilot/iam-simulate');

const ALLOW_EVERYTHING = {
  name: 'AllowEverything',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

async function answer(line) {
  const c = JSON.parse(line);
  let principal;
  let identityPolicies = [];
  if (c.caller.anonymous) {
    principal = anonymousPrincipal;
  } else if (c.caller.service) {
    principal = c.caller.service;
  } else {
    principal = c.caller.arn;
    identityPolicies = [ALLOW_EVERYTHING];
  }
  const simulation = {
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: c.policy,
    request: {
      principal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.resourceAccount },
      contextVariables: c.context,
    },
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    return { error: JSON.stringify(response.errors) };
  }
  return { result: response.overallResult };
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out = [];
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.stringify(await answer(line)));
    } catch (e) {
      out.push(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}

main();
