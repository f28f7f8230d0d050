//! Finishing a stack into a template: tags, the partition rule, references and quotas.

use serde_json::Value;

use super::{PINNED_PARTITION_RULE, Stack, Synthesized, TagFormat, Warning};
use crate::error::{Error, Result};
use crate::template::document::{Template, quota};

impl Stack {
    /// Finishes `template` and `warnings`: this stack's own, moved out of it or copied.
    pub(super) fn finish(
        &self,
        mut template: Template,
        mut warnings: Vec<Warning>,
    ) -> Result<Synthesized> {
        self.check_settings()?;
        for (id, tagging) in &self.tagging {
            if let Some(r) = template.resources.get_mut(id) {
                let pairs = std::iter::once(("Name", self.name_tag(&tagging.name).to_value()))
                    .chain(
                        self.tags
                            .iter()
                            .filter(|(k, _)| k.as_str() != "Name")
                            .map(|(k, v)| (k.as_str(), v.to_value())),
                    );
                let tags = match tagging.format {
                    TagFormat::List => Value::Array(pairs.map(|(k, v)| tag(k, v)).collect()),
                    TagFormat::Map => {
                        Value::Object(pairs.map(|(k, v)| (k.to_string(), v)).collect())
                    }
                };
                r.properties.insert("Tags".into(), tags);
            }
        }
        if let Some(rule) = self.pinned_partition_rule() {
            template
                .rules
                .entry(PINNED_PARTITION_RULE.to_string())
                .or_insert(rule);
        }
        template.check_references()?;
        let counted = [
            ("resources", template.resources.len(), quota::RESOURCES),
            ("parameters", template.parameters.len(), quota::PARAMETERS),
            ("outputs", template.outputs.len(), quota::OUTPUTS),
            ("mappings", template.mappings.len(), quota::MAPPINGS),
        ];
        for (name, used, limit) in counted {
            check_quota(&template, name, used, limit, &mut warnings)?;
        }
        let json = template.to_json_pretty();
        check_quota(
            &template,
            "bytes of template body",
            json.len(),
            quota::BODY_BYTES,
            &mut warnings,
        )?;
        if json.len() > quota::INLINE_BODY_BYTES {
            warnings.push(Warning::BodyTooLargeForInline { bytes: json.len() });
        }
        Ok(Synthesized {
            template,
            json,
            warnings,
        })
    }
}

fn check_quota(
    template: &Template,
    quota: &'static str,
    used: usize,
    limit: usize,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    if used > limit {
        let detail = if quota == "resources" {
            let mut counts: Vec<(&str, usize)> = template.resource_counts().into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            counts
                .iter()
                .take(3)
                .map(|(t, n)| format!("{n} {t}"))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            format!("{used} {quota}")
        };
        return Err(Error::QuotaExceeded {
            quota,
            used,
            limit,
            detail,
        });
    }
    if used * 10 > limit * 9 {
        warnings.push(Warning::QuotaNearlyUsed { quota, used, limit });
    }
    Ok(())
}

/// `{"Key": key, "Value": value}`, made with room for its two entries (`json!` would make
/// room for four, and every tagged resource has one of these per tag).
fn tag(key: &str, value: Value) -> Value {
    let mut object = serde_json::Map::with_capacity(2);
    object.insert("Key".to_owned(), key.into());
    object.insert("Value".to_owned(), value);
    Value::Object(object)
}
