//! The examples in `examples/`, compiled once for every module that builds and checks them.

#[allow(dead_code)]
#[path = "../../examples/low_level_vpc.rs"]
pub mod low_level_vpc;

#[allow(dead_code)]
#[path = "../../examples/sagemaker_vpc.rs"]
pub mod sagemaker_vpc;

#[allow(dead_code)]
#[path = "../../examples/sagemaker_workloads.rs"]
pub mod sagemaker_workloads;

#[allow(dead_code)]
#[path = "../../examples/service_catalog.rs"]
pub mod service_catalog;
