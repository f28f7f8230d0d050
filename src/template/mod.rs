//! The CloudFormation document model: templates, resources, parameters, outputs, intrinsic
//! functions, logical IDs and quotas. It knows nothing of networks, IAM or SageMaker.

mod case;
mod condition;
mod diff;
mod document;
mod expr;
mod foreach;
mod intrinsic;
mod logical_id;
mod output;
mod pretty;
mod read;
mod region;
mod region_data;
mod stack;
mod text;
mod yaml;

pub(crate) use case::{kebab_case, upper_camel_case};

pub use condition::ConditionRef;
pub use diff::{
    EntryAction, Fate, OutputChange, ParameterChange, PropertyChange, Rename, ResourceAction,
    ResourceChange, Risk, SectionChange, TemplateDiff, create_only_properties, diff,
};
pub use document::{
    AwsParameterType, DeletionPolicy, Output, Parameter, Resource, Template, quota,
};
pub use expr::{Expr, Pseudo, expand_sub, sub_variables};
pub use intrinsic::{Attribute, Intrinsic, is_function_name, ref_name, ref_target, sub_text};
pub use logical_id::LogicalId;
pub use output::StackOutput;
pub use region::{
    REGIONS_GENERATED, check_region, is_known_region, known_regions, regions_of_partition,
};
pub use stack::{
    ExportPrefix, PINNED_PARTITION_RULE, Partition, ResourceRef, Stack, Synthesized, TagFormat,
    Warning,
};
pub use text::{json_to_value, yaml_to_value};

/// How a JSON value is described in error messages: `a string`, `a list`, ...
pub(crate) fn json_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
