//! The integration tests, as one test binary: each module is what was a file of its own in
//! `tests/`. One binary links the library and its dependencies once instead of once per file,
//! which makes the test build much cheaper (see the README's development section).
//!
//! Paths in the modules are relative to this folder: `../common/`, `../fixtures/`,
//! `../../snapshots/`, `../../examples/`.

#[path = "../common/mod.rs"]
mod common;
mod examples;

mod analysis_blocks;
mod analysis_exposure;
mod analysis_reach;
mod analysis_read;
mod analysis_reference;
mod analysis_rules;
mod analysis_rules_beyond_the_network;
mod analysis_synth;
mod aws_names;
mod catalog_errors;
mod check_suppressions;
mod cli;
mod cli_hostile;
mod cli_lint;
mod cli_package;
mod cli_policy;
mod cli_policy_seed;
mod cli_review;
mod cli_run;
mod corpus;
mod diff;
mod endpoint_subnets;
mod errors;
mod fuzz_readers;
mod iam_aws_rules;
mod iam_differential;
mod iam_eval_table;
mod iam_eval_table_conditions;
mod iam_eval_table_matching;
mod iam_examples;
mod iam_policies;
mod iam_retired_actions;
mod iam_value_syntax;
mod iam_wildcard_props;
mod json_writer;
mod launch_roles;
mod lint_matrix;
mod products;
mod reach_model;
mod readme;
mod report;
mod report_workloads;
mod sagemaker_guardrail;
mod sagemaker_vpc;
mod sagemaker_workloads;
mod sagemaker_workloads_example;
mod sarif;
mod service_catalog;
mod upgrade;
mod workload_release;
mod yaml;
