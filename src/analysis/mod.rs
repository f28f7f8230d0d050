//! What airgap can say about a finished template, whoever wrote it: privacy checks with stable
//! rule IDs ([`check`], [`RULES`]), who can reach whom ([`Reachability`]), and the facts the
//! review report shows ([`Network`], [`describe_policy`]).
//!
//! The analysis reads a [`Template`](crate::template::Template), never the builders, so the same
//! checks run on airgap's output and on a template read with
//! [`Template::parse`](crate::template::Template::parse).
//!
//! ```
//! use airgap::analysis::check;
//! use airgap::template::Template;
//! let t = Template::from_yaml(
//!     "Resources:\n  Igw:\n    Type: AWS::EC2::InternetGateway\n",
//! )?;
//! let findings = check(&t);
//! assert_eq!(findings[0].rule.id, "AG-NET-001");
//! # Ok::<(), airgap::Error>(())
//! ```

mod cidr;
mod error;
mod model;
mod policy;
mod reach;
mod rules;
mod synth;
mod workloads;

pub use error::{CheckError, ReachTooLarge};
pub use model::{EndpointInfo, Network, RouteInfo, RouteTableInfo, SubnetInfo, VpcInfo};
pub use policy::{PolicyStatement, describe_policy, policy_documents};
pub use reach::{
    Allowed, Approximation, DefaultEgress, Grant, MAX_COMPARISONS, MAX_PAIRS, Party, ReachEntry,
    Reachability, RuleSource, Traffic,
};
pub use rules::{
    Category, Finding, RULES, Rule, Severity, SuppressionFormat, SuppressionPolicy, check,
    check_with, rule,
};
pub use workloads::{GuardrailDecision, WorkloadInfo, WorkloadReport, workloads};
