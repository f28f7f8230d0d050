//! What the catalog layer refuses, and what it says: each limit of a release is a typed error
//! that names the product, the version or the principal and how to fix it.

use crate::common;

use airgap::Error;
use airgap::catalog::CatalogError;
use airgap::catalog::launch_role::derive_policy;
use airgap::catalog::package::WriteOptions;
use airgap::catalog::{
    LaunchRule, Portfolio, PortfolioPrincipal, Product, ProductVersion, Release,
    check_principal_arn,
};
use airgap::template::{Expr, Parameter, Resource, Template};
use serde_json::json;

fn vpc_template() -> Template {
    let mut t = Template::default();
    t.resources.insert(
        "Vpc".into(),
        Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"),
    );
    t
}

fn portfolio_of(products: Vec<Product>) -> Portfolio {
    products
        .into_iter()
        .fold(Portfolio::new("P", "Platform"), Portfolio::product)
}

fn one_version(name: &str, t: Template) -> Product {
    Product::new(name, "Platform").version(ProductVersion::new("1.0.0", t))
}

fn build(products: Vec<Product>) -> Result<Release, Error> {
    portfolio_of(products).build()
}

#[test]
fn a_product_template_over_one_megabyte_is_refused() {
    let mut t = vpc_template();
    t.description = Some("x".repeat(1_000_001));
    let err = build(vec![one_version("big", t)]).unwrap_err();
    assert!(
        matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::ProductTemplateTooLarge { product, quota: "bytes", .. }) if product == "big"),
        "{err}"
    );
    assert!(err.to_string().contains("split the product"));
}

#[test]
fn a_product_template_over_500_resources_is_refused() {
    let mut t = Template::default();
    for i in 0..501 {
        t.resources.insert(
            format!("Parameter{i}"),
            Resource::new("AWS::SSM::Parameter")
                .property("Type", "String")
                .property("Value", "x"),
        );
    }
    let err = build(vec![one_version("many", t)]).unwrap_err();
    assert!(
        matches!(
            err.downcast_ref::<CatalogError>(),
            Some(CatalogError::ProductTemplateTooLarge {
                quota: "resources",
                used: 501,
                limit: 500,
                ..
            })
        ),
        "{err}"
    );
}

#[test]
fn a_parameter_used_but_not_declared_is_refused_whether_by_ref_or_in_a_sub() {
    let mut by_ref = vpc_template();
    by_ref.resources.insert(
        "Subnet".into(),
        Resource::new("AWS::EC2::Subnet")
            .property("VpcId", json!({"Ref": "Vpc"}))
            .property("CidrBlock", json!({"Ref": "SubnetCidr"})),
    );
    let err = build(vec![one_version("net", by_ref)]).unwrap_err();
    match err.downcast_ref::<CatalogError>() {
        Some(CatalogError::UndeclaredParameter {
            product,
            version,
            at,
            parameter,
        }) => {
            assert_eq!((product.as_str(), version.as_str()), ("net", "1.0.0"));
            assert_eq!(at, "resource `Subnet`");
            assert_eq!(parameter, "SubnetCidr");
        }
        _ => panic!("{err}"),
    }

    let mut in_sub = vpc_template();
    in_sub.resources.insert(
        "Name".into(),
        Resource::new("AWS::SSM::Parameter")
            .property("Type", "String")
            .property("Name", json!({"Fn::Sub": "/${Project}/vpc-id"}))
            .property("Value", json!({"Ref": "Vpc"})),
    );
    let err = build(vec![one_version("net", in_sub.clone())]).unwrap_err();
    assert!(
        matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::UndeclaredParameter { parameter, .. }) if parameter == "Project"),
        "{err}"
    );

    in_sub
        .parameters
        .insert("Project".into(), Parameter::string());
    build(vec![one_version("net", in_sub)]).expect("declared, it builds");
}

#[test]
fn a_launch_rule_over_a_parameter_the_product_lacks_is_refused() {
    let err = build(vec![one_version("net", vpc_template()).launch_rule(
        LaunchRule::new("OnlyDev").assert(
            Expr::equals(Expr::ref_("EnvironmentType"), Expr::str("dev")),
            "dev only",
        ),
    )])
    .unwrap_err();
    assert!(
        matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::UndeclaredParameter { at, parameter, .. }) if at == "launch rule `OnlyDev`" && parameter == "EnvironmentType"),
        "{err}"
    );
}

#[test]
fn two_products_with_one_name_are_refused() {
    let err = build(vec![
        one_version("net", vpc_template()),
        one_version("net", vpc_template()),
    ])
    .unwrap_err();
    assert_eq!(
        err,
        Error::from(CatalogError::DuplicateProduct { name: "net".into() })
    );
}

#[test]
fn two_versions_with_the_same_bytes_are_one_version() {
    let product = Product::new("net", "Platform")
        .version(ProductVersion::new("1.0.0", vpc_template()))
        .version(ProductVersion::new("1.0.1", vpc_template()));
    let err = build(vec![product]).unwrap_err();
    assert!(
        matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::DuplicateVersion { message, .. }) if message.contains("same template bytes")),
        "{err}"
    );
}

#[test]
fn a_principal_that_is_not_an_iam_arn_is_refused() {
    for (value, why) in [
        ("DataScientists", "not of the form"),
        ("arn:aws:s3:::bucket/role", "the service must be `iam`"),
        ("arn:aws:iam::12345:role/Ds", "12 digits"),
        ("arn:aws:iam::123456789012:policy/Ds", "role/NAME"),
    ] {
        let err = check_principal_arn("DataScientists", value).unwrap_err();
        assert!(
            matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::PrincipalNotAnArn { principal, value: v, reason }) if principal == "DataScientists" && v == value && reason.contains(why)),
            "{value}: {err}"
        );
    }
    check_principal_arn(
        "DataScientists",
        "arn:aws-cn:iam::123456789012:role/team/Ds",
    )
    .unwrap();

    let err = portfolio_of(vec![one_version("net", vpc_template())])
        .principal(
            PortfolioPrincipal::new("DataScientists", "Data scientists").default_arn("ds-role"),
        )
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err.downcast_ref::<CatalogError>(),
            Some(CatalogError::PrincipalNotAnArn { .. })
        ),
        "{err}"
    );
}

#[test]
fn a_resource_type_without_known_permissions_is_an_error_not_a_wildcard() {
    let mut t = vpc_template();
    t.resources
        .insert("Bucket".into(), Resource::new("AWS::S3::Bucket"));
    let err = build(vec![one_version("data", t.clone())]).unwrap_err();
    match err.downcast_ref::<CatalogError>() {
        Some(CatalogError::UnsupportedResourceType {
            product,
            logical_id,
            resource_type,
            supported,
        }) => {
            assert_eq!(product, "data");
            assert_eq!(logical_id, "Bucket");
            assert_eq!(resource_type, "AWS::S3::Bucket");
            assert!(supported.contains("AWS::EC2::VPCEndpoint"));
        }
        _ => panic!("{err}"),
    }
    assert!(derive_policy(&[("data", &t)]).is_err());
}

#[test]
fn products_launched_after_a_missing_product_or_in_a_cycle_are_refused() {
    // A product the portfolio was not given.
    let vpc = one_version("vpc", vpc_template());
    let err = build(vec![one_version("endpoints", vpc_template()).after(&vpc)]).unwrap_err();
    assert!(
        matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::ProductDependency { product, .. }) if product == "endpoints"),
        "{err}"
    );

    let mut b = vpc_template();
    b.description = Some("b".into());
    let a = one_version("a", vpc_template());
    let b = one_version("b", b).after(&a);
    let a = a.after(&b);
    let err = build(vec![a, b]).unwrap_err();
    assert!(
        matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::ProductDependency { message, .. }) if message.contains("cycle")),
        "{err}"
    );
}

#[test]
fn products_are_launched_after_those_they_depend_on() {
    let mut second = vpc_template();
    second.description = Some("security groups".into());
    let mut third = vpc_template();
    third.description = Some("endpoints".into());
    let vpc = one_version("vpc", vpc_template());
    let groups = one_version("security-groups", second).after(&vpc);
    let endpoints = one_version("endpoints", third).after(&groups).after(&vpc);
    let release = build(vec![endpoints, groups, vpc]).unwrap();
    assert_eq!(
        release.launch_order,
        ["vpc", "security-groups", "endpoints"]
    );
}

#[test]
fn an_existing_package_folder_is_not_clobbered_without_force() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("catalog_errors/existing");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), "mine").unwrap();
    let release = build(vec![one_version("net", vpc_template())]).unwrap();
    let err = airgap::render::publish::write_package(&dir, &release, WriteOptions::default())
        .unwrap_err();
    assert!(
        matches!(
            err.downcast_ref::<CatalogError>(),
            Some(CatalogError::PackageExists { .. })
        ),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.txt")).unwrap(),
        "mine"
    );
    airgap::render::publish::write_package(&dir, &release, WriteOptions { force: true }).unwrap();
    assert!(!dir.join("keep.txt").exists());
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let product = release.products[0].versions[0].file("net");
    common::cfn_lint(&[
        (
            "existing-portfolio.json".into(),
            read("portfolio.template.json"),
        ),
        ("existing-product.json".into(), read(&product)),
    ]);
}
