//! Condition operators, after the IAM User Guide's "IAM JSON policy elements: Condition
//! operators" and "Single-valued vs. multivalued context keys".

use std::net::IpAddr;

use ipnet::IpNet;

use super::catalog;
use super::condition::{Condition, ConditionOperator as Op, SetQualifier};
use super::policy::Effect;
use super::request::Slot;
use super::values::{Env, literal, resolve, substitute};
use super::wildcard::{Tok, match_tokens};

/// How a condition came out, and anything the evaluation had to assume to say so.
pub(super) struct Outcome {
    pub(super) holds: bool,
    pub(super) detail: String,
    /// Set when AWS's documentation does not say what AWS does here, and the answer that
    /// denies was taken.
    pub(super) assumed: Option<String>,
}

/// Where AWS documents no answer, the one that denies: a condition of a `Deny` holds, a
/// condition of an `Allow` does not.
fn denying(env: &Env<'_>) -> bool {
    env.effect == Effect::Deny
}

/// The positive operator a negated one is the opposite of, and whether it was negated.
fn positive(op: Op) -> (Op, bool) {
    op.positive().map_or((op, false), |p| (p, true))
}

/// Evaluates one condition. The key's values come from `env` (given or derived); a key AWS
/// would send but whose value the request cannot know is an error, never a guess.
pub(super) fn condition(c: &Condition, env: &Env<'_>) -> std::result::Result<Outcome, String> {
    let key = c.key.as_str();
    if !catalog::is_condition_key(key) {
        let hint = catalog::suggest_condition_key(key)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(format!("`{key}` is not a known condition key{hint}"));
    }
    let mut policy = Vec::new();
    for v in &c.values {
        policy.push(substitute(&resolve(&v.to_value(), env.request)?, env)?);
    }
    let present = match env.slots.get(&key.to_ascii_lowercase()) {
        Some(Slot::Unknown { why, .. }) => return Err(why.clone()),
        // "If the key ... resolves to a null dataset, such as an empty string", it is absent.
        Some(Slot::Known(v)) if !v.values.is_empty() => Some(v),
        _ => None,
    };
    let done = |holds: bool, detail: String| Outcome {
        holds,
        detail,
        assumed: None,
    };
    if c.operator == Op::Null {
        // "If a single condition operator includes multiple values for a context key, those
        // values are evaluated using a logical OR": `["true", "false"]` holds either way.
        let absent = present.is_none();
        let mut holds = false;
        for p in &policy {
            match literal(p).to_ascii_lowercase().as_str() {
                "true" => holds |= absent,
                "false" => holds |= !absent,
                other => return Err(format!("Null takes `true` or `false`, not `{other}`")),
            }
        }
        let state = if absent { "absent" } else { "present" };
        return Ok(done(holds, format!("the key is {state}")));
    }
    let (op, negated) = positive(c.operator);
    let Some(value) = present else {
        let mut out = absent_key(c, negated, env);
        if let Some(info) = catalog::action_info(&env.request.action)
            && !info.takes_condition_key(key)
        {
            out.detail = format!(
                "AWS never sends `{key}` with {}:{}, so the key is absent",
                info.prefix, info.name
            );
        }
        return Ok(out);
    };
    if value.multivalued && c.set.is_none() {
        // "Multivalued context keys require a condition set operator." What AWS does with a
        // plain operator is not documented: take the answer that denies.
        return Ok(Outcome {
            holds: denying(env),
            detail: format!(
                "`{key}` is multivalued and the operator has no ForAnyValue:/ForAllValues:"
            ),
            assumed: Some(format!(
                "{} on the multivalued key `{key}` without a set operator: AWS documents that multivalued keys require ForAnyValue: or ForAllValues: but not what happens without one, so airgap took the answer that denies",
                c.operator_name()
            )),
        });
    }
    let matches_one = |v: &str| -> std::result::Result<bool, String> {
        for p in &policy {
            if compare(op, p, v)? {
                return Ok(true);
            }
        }
        Ok(false)
    };
    let mut results = Vec::new();
    for v in &value.values {
        results.push(matches_one(v)?);
    }
    let ok = |m: bool| m != negated;
    let holds = match c.set {
        Some(SetQualifier::ForAllValues) => results.iter().all(|&m| ok(m)),
        Some(SetQualifier::ForAnyValue) => results.iter().any(|&m| ok(m)),
        // A single value: a negated operator holds when no policy value matches it.
        None => ok(results.iter().any(|&m| m)),
    };
    let shown: Vec<String> = policy.iter().map(|p| literal(p)).collect();
    Ok(done(
        holds,
        format!("request has {:?}, policy has {shown:?}", value.values),
    ))
}

/// A condition on a key the request does not have. "If the key that you specify in a policy
/// condition is not present in the request context, the values do not match and the
/// condition is false. If the policy condition requires that the key is not matched, such as
/// StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
/// `...IfExists`: "If the key is not present, evaluate the condition element as true."
/// `ForAllValues`: "It also returns true if there are no context keys in the request";
/// `ForAnyValue`: "If the key is missing ... the condition returns false".
fn absent_key(c: &Condition, negated: bool, env: &Env<'_>) -> Outcome {
    let detail = "the key is not in the request".to_string();
    match (c.set, c.if_exists) {
        // The two documented rules disagree and no page says which wins: deny.
        (Some(SetQualifier::ForAnyValue), true) => Outcome {
            holds: denying(env),
            detail,
            assumed: Some(format!(
                "{} on an absent key: AWS documents that ForAnyValue: is false and that IfExists is true when the key is absent, not which wins, so airgap took the answer that denies",
                c.operator_name()
            )),
        },
        (Some(SetQualifier::ForAllValues), _) | (_, true) => Outcome {
            holds: true,
            detail,
            assumed: None,
        },
        (Some(SetQualifier::ForAnyValue), false) => Outcome {
            holds: false,
            detail,
            assumed: None,
        },
        (None, false) => Outcome {
            holds: negated,
            detail,
            assumed: None,
        },
    }
}

pub(super) fn compare(op: Op, policy: &[Tok], value: &str) -> std::result::Result<bool, String> {
    let text = literal(policy);
    Ok(match op {
        Op::StringEquals => text == value,
        Op::StringEqualsIgnoreCase => text.to_lowercase() == value.to_lowercase(),
        Op::StringLike => match_tokens(policy, value, false),
        Op::NumericEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => {
            let p = parse_number(&text)
                .ok_or_else(|| format!("`{text}` is not a number for {}", op.name()))?;
            let Some(v) = parse_number(value) else {
                return Ok(false);
            };
            ordered(op, v.partial_cmp(&p))
        }
        Op::DateEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => {
            let p = parse_date(&text)
                .ok_or_else(|| format!("`{text}` is not a date (ISO 8601 or epoch seconds)"))?;
            let Some(v) = parse_date(value) else {
                return Ok(false);
            };
            ordered(op, v.partial_cmp(&p))
        }
        Op::Bool => {
            let p = parse_bool(&text).ok_or_else(|| format!("`{text}` is not true or false"))?;
            parse_bool(value) == Some(p)
        }
        Op::BinaryEquals => text == value,
        Op::IpAddress => {
            let net = parse_cidr(&text)
                .ok_or_else(|| format!("`{text}` is not an IP address or CIDR block"))?;
            value.parse::<IpAddr>().is_ok_and(|ip| net.contains(&ip))
        }
        Op::ArnEquals | Op::ArnLike => arn_like(policy, value),
        Op::Null
        | Op::StringNotEquals
        | Op::StringNotEqualsIgnoreCase
        | Op::StringNotLike
        | Op::NumericNotEquals
        | Op::DateNotEquals
        | Op::NotIpAddress
        | Op::ArnNotEquals
        | Op::ArnNotLike => unreachable!("negated operators are compared as their positive"),
    })
}

fn ordered(op: Op, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match (op, ord) {
        (_, None) => false,
        (Op::NumericEquals | Op::DateEquals, Some(o)) => o == Equal,
        (Op::NumericLessThan | Op::DateLessThan, Some(o)) => o == Less,
        (Op::NumericLessThanEquals | Op::DateLessThanEquals, Some(o)) => o != Greater,
        (Op::NumericGreaterThan | Op::DateGreaterThan, Some(o)) => o == Greater,
        (Op::NumericGreaterThanEquals | Op::DateGreaterThanEquals, Some(o)) => o != Less,
        _ => false,
    }
}

/// `true` or `false` in any case, as the oracle also reads them. Nothing around them: " true"
/// is neither to IAM's documentation ("comparing a key to true or false") nor to the oracle,
/// and a reader that trimmed it would answer for AWS where AWS documents nothing.
fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// ArnEquals and ArnLike compare each of the six colon-separated parts on its own, with
/// wildcards that do not cross a colon.
pub(super) fn arn_like(policy: &[Tok], value: &str) -> bool {
    let split = |toks: &[Tok]| -> Vec<Vec<Tok>> {
        let mut parts = vec![Vec::new()];
        for t in toks {
            if *t == Tok::Lit(':') && parts.len() < 6 {
                parts.push(Vec::new());
            } else {
                parts.last_mut().expect("one part").push(*t);
            }
        }
        parts
    };
    let p = split(policy);
    let v: Vec<&str> = value.splitn(6, ':').collect();
    if p.len() != 6 || v.len() != 6 {
        return false;
    }
    p.iter().zip(v).all(|(pp, vv)| match_tokens(pp, vv, false))
}

/// Why a literal condition value cannot be of the data type `op` compares, if it cannot. IAM
/// Access Analyzer reports this as an error ("Invalid condition data type": "The value in the
/// condition key-value pair must match the data type of the condition key and condition
/// operator"); the evaluator could only refuse the statement later. A value with a policy
/// variable (`${aws:username}`) is filled in per request and is not judged here.
pub(super) fn data_type_mismatch(op: Op, value: &serde_json::Value) -> Option<&'static str> {
    let text = match value {
        serde_json::Value::String(s) if s.contains("${") => return None,
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    let (op, _) = positive(op);
    // What the operator reads, how to say it, and how to say it of a value that is one with
    // the spaces around it taken away (in a message, the spaces are easy to miss).
    type Reader = fn(&str) -> bool;
    let (reads, what, unpadded): (Reader, &'static str, &'static str) = match op {
        Op::NumericEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => (
            |s| parse_number(s).is_some(),
            "an integer or decimal value",
            "an integer or decimal value, with no spaces around it",
        ),
        Op::DateEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => (
            |s| parse_date(s).is_some(),
            "an ISO 8601 date or date-time, or epoch seconds",
            "an ISO 8601 date or date-time, or epoch seconds, with no spaces around it",
        ),
        Op::Bool | Op::Null => (
            |s| parse_bool(s).is_some(),
            "`true` or `false`",
            "`true` or `false`, with no spaces around it",
        ),
        Op::IpAddress => (
            |s| parse_cidr(s).is_some(),
            "an IP address or a block in standard CIDR format",
            "an IP address or a block in standard CIDR format, with no spaces around it",
        ),
        _ => return None,
    };
    if reads(&text) {
        None
    } else if text.trim() != text && reads(text.trim()) {
        Some(unpadded)
    } else {
        Some(what)
    }
}

/// [`data_type_mismatch`] for a condition as a template writes it: the operator's name
/// (`ForAnyValue:NumericLessThanIfExists`) and one of its values. `None` for an operator name
/// that is no operator (other checks say so) and for values that are not literals.
pub(crate) fn value_type_mismatch(
    operator: &str,
    value: &serde_json::Value,
) -> Option<&'static str> {
    let (_, op, _) = super::parse::operator(operator)?;
    data_type_mismatch(op, value)
}

/// A number as IAM's numeric operators take it: "an integer or decimal value" (IAM User Guide,
/// "Numeric condition operators"), so an optional sign, digits and an optional fraction.
/// Rust's float syntax is wider: it also reads `inf`, `NaN` and `1e3`, which are neither, and
/// which would otherwise make conditions hold that IAM does not consider numeric. Nor is a
/// value with spaces around it, which JavaScript's `Number` (the oracle's reader) trims.
fn parse_number(s: &str) -> Option<f64> {
    parse_decimal(s.strip_prefix(['+', '-']).unwrap_or(s)).and(s.parse().ok())
}

/// Digits with an optional fraction and no sign (`12`, `12.5`, `.5`, `12.`).
fn parse_decimal(s: &str) -> Option<f64> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let decimal = !(whole.is_empty() && fraction.is_empty()) && digits(whole) && digits(fraction);
    decimal.then(|| s.parse().ok()).flatten()
}

/// An IP address or CIDR block as IAM's IP operators take it: "the standard CIDR format (for
/// example, 203.0.113.0/24 or 2001:DB8:1234:5678::/64)" (IAM User Guide, "IP address condition
/// operators"). The address is read as the standard library reads one, which refuses leading
/// zeros (`010.0.0.0`: octal to some readers, decimal to others); `ipnet`'s own reader takes
/// them in a block, but not in a bare address, so the two forms would disagree.
fn parse_cidr(text: &str) -> Option<IpNet> {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().ok()?;
    let Some(prefix) = prefix else {
        return Some(IpNet::from(address));
    };
    let canonical = !prefix.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_digit())
        && (prefix == "0" || !prefix.starts_with('0'));
    if !canonical {
        return None;
    }
    IpNet::new(address, prefix.parse().ok()?).ok()
}

/// A field of a time of day or an offset: digits only.
fn parse_digits(s: &str) -> Option<f64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Seconds since the epoch of an ISO 8601 date or date-time, or of epoch seconds, with nothing
/// around it: a W3C date format has no spaces.
fn parse_date(s: &str) -> Option<f64> {
    if let Some(n) = parse_number(s) {
        return Some(n);
    }
    let (date, time) = match s.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let m: i64 = d.next()?.parse().ok()?;
    // The W3C profile of ISO 8601 that the guide names also has a year and month alone
    // (`2019-12`, its first day); a time needs the whole date.
    let day: i64 = match d.next() {
        Some(day) => day.parse().ok()?,
        None if time.is_none() => 1,
        None => return None,
    };
    if d.next().is_some() || !(1..=12).contains(&m) || !(1..=days_in_month(y, m)).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(y, m, day) as f64 * 86_400.0;
    if let Some(t) = time {
        let (clock, offset) = if let Some(c) = t.strip_suffix(['Z', 'z']) {
            (c, 0.0)
        } else if let Some(i) = t.rfind(['+', '-']) {
            let (c, o) = t.split_at(i);
            let sign = if o.starts_with('-') { -1.0 } else { 1.0 };
            let mut hm = o[1..].split(':');
            let h = parse_digits(hm.next()?)?;
            let mi = parse_digits(hm.next().unwrap_or("0"))?;
            (c, sign * (h * 3600.0 + mi * 60.0))
        } else {
            (t, 0.0)
        };
        let mut c = clock.split(':');
        let h = parse_digits(c.next()?)?;
        let mi = parse_digits(c.next()?)?;
        // Seconds alone may carry a fraction (`12:00:00.5`), with digits on both sides of the
        // point.
        let se = c.next().map_or(Some(0.0), |se| {
            let both_sides = !se.starts_with('.') && !se.ends_with('.');
            parse_decimal(se).filter(|_| both_sides)
        })?;
        // A leap second (`:60`) is ISO 8601; anything past it is no time of day.
        if c.next().is_some()
            || !(0.0..24.0).contains(&h)
            || !(0.0..60.0).contains(&mi)
            || !(0.0..61.0).contains(&se)
        {
            return None;
        }
        secs += h * 3600.0 + mi * 60.0 + se - offset;
    }
    Some(secs)
}

/// The days of month `m` (1 to 12) of year `y` in the proleptic Gregorian calendar.
fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-02"), Some(86_400.0));
        assert_eq!(parse_date("2020-01-01T00:00:00Z"), Some(1_577_836_800.0));
        assert_eq!(
            parse_date("2020-01-01T01:00:00+01:00"),
            Some(1_577_836_800.0)
        );
        assert_eq!(parse_date("1577836800"), Some(1_577_836_800.0));
        // W3C's "YYYY-MM": the month's first day. A bare year is read as epoch seconds, as the
        // independent evaluator reads it too.
        assert_eq!(parse_date("2020-01"), parse_date("2020-01-01"));
        assert_eq!(parse_date("2020-01T10:00Z"), None);
        assert_eq!(parse_date("2020"), Some(2020.0));
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn days_and_times_that_no_calendar_has_are_not_dates() {
        for bad in [
            "2020-02-31",
            "2021-02-29",
            "2020-04-31",
            "2020-13-01",
            "2020-00-10",
            "2020-01-01T24:00:00Z",
            "2020-01-01T12:60:00Z",
            "2020-01-01T12:00:00:00Z",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2020-02-29"), Some(1_582_934_400.0));
        assert_eq!(parse_date("2000-02-29"), Some(951_782_400.0));
        assert_eq!(parse_date("1900-02-29"), None);
    }

    #[test]
    fn numbers_are_integers_or_decimals_not_rust_floats() {
        for (text, n) in [
            ("10", 10.0),
            ("-5", -5.0),
            ("+7", 7.0),
            ("1000.5", 1000.5),
            ("00010", 10.0),
            (".5", 0.5),
            ("5.", 5.0),
        ] {
            assert_eq!(parse_number(text), Some(n), "{text}");
        }
        for bad in [
            "inf", "-inf", "Infinity", "NaN", "nan", "1e3", "1E3", "0x10", "1_000", "", ".", "+",
            "1.2.3", "ten", " 3600", "3600 ", "\t10",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn cidr_blocks_are_standard() {
        for (text, net) in [
            ("203.0.113.0/24", "203.0.113.0/24"),
            ("10.0.0.1/8", "10.0.0.1/8"),
            ("10.0.0.1", "10.0.0.1/32"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("2001:DB8:1234:5678::/64", "2001:db8:1234:5678::/64"),
            ("::1", "::1/128"),
        ] {
            assert_eq!(parse_cidr(text), net.parse().ok(), "{text}");
        }
        for bad in [
            "010.0.0.0/8",
            "10.0.0.0/08",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "010.0.0.1",
            " 10.0.0.0/8",
            "10.0.0.0/8 ",
            "10.0.0/8",
        ] {
            assert_eq!(parse_cidr(bad), None, "{bad}");
        }
    }

    #[test]
    fn typed_values_take_nothing_around_them() {
        assert_eq!(parse_bool("TRUE"), Some(true));
        for padded in [" true", "true ", "false\n", "\ttrue"] {
            assert_eq!(parse_bool(padded), None, "{padded:?}");
        }
        for padded in [
            " 2020-01-01",
            "2020-01-01 ",
            " 1577836800",
            "2020-01-01T00:00:00Z\n",
        ] {
            assert_eq!(parse_date(padded), None, "{padded:?}");
        }
    }

    #[test]
    fn epoch_seconds_and_clock_fields_take_no_float_syntax() {
        assert_eq!(parse_date("1000.5"), Some(1000.5));
        assert_eq!(parse_date("2020-01-01T00:00:00.5Z"), Some(1_577_836_800.5));
        for bad in [
            "inf",
            "NaN",
            "1e3",
            "2020-01-01T1e1:00:00Z",
            "2020-01-01T10:00:1e1Z",
            "2020-01-01T10:00:00+1e0:00",
            "2020-01-01T+1:00:00Z",
            "2020-01-01T10:00:00.Z",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
