//! Where a webhook may be sent (docs/webhooks.md#destinations): the SSRF rules.
//!
//! Only `https://` URLs to public addresses, unless `ztd serve --webhook-allow-http` (tests,
//! closed networks), which allows `http://` and loopback, private (RFC 1918, ULA), link-local
//! and shared (CGNAT) addresses too. Never, whatever the flag: unspecified, multicast,
//! broadcast and reserved addresses, and the cloud metadata services (169.254.169.254,
//! fd00:ec2::254), which no webhook receiver is and every SSRF attack wants.
//!
//! Checked twice: when a webhook is created (the URL's host must resolve, and only to allowed
//! addresses, or the request is refused naming the URL), and at every send, where the HTTP
//! client resolves names through [`CheckedResolver`], which drops refused addresses, so the
//! address connected to is one that was checked (a name re-pointed at 127.0.0.1 after creation,
//! DNS rebinding, finds nothing to connect to). An IP literal never reaches a resolver, so
//! [`check_shape`] checks it at every send as well. Redirects are not followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use reqwest::Url;

/// Longest URL a webhook may have.
pub const MAX_URL_LEN: usize = 2048;

/// How long resolving a webhook's host may take at creation.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// What the operator allows (`ztd serve --webhook-allow-http`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UrlPolicy {
    /// `http://` URLs and loopback, private, link-local and shared addresses.
    pub allow_http_and_private: bool,
}

/// The kind of an IP address, as far as sending a webhook there goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    Public,
    Loopback,
    /// RFC 1918 (IPv4), unique local fc00::/7 (IPv6).
    Private,
    /// 169.254.0.0/16, fe80::/10.
    LinkLocal,
    /// 100.64.0.0/10, carrier-grade NAT.
    Shared,
    /// 169.254.169.254, fd00:ec2::254: cloud instance metadata.
    Metadata,
    Unspecified,
    Multicast,
    /// Broadcast, documentation, benchmarking, "this network", future use and the like.
    Reserved,
}

impl AddressClass {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Public => "a public address",
            Self::Loopback => "a loopback address",
            Self::Private => "a private address",
            Self::LinkLocal => "a link-local address",
            Self::Shared => "a shared (carrier-grade NAT) address",
            Self::Metadata => "a cloud metadata address",
            Self::Unspecified => "the unspecified address",
            Self::Multicast => "a multicast address",
            Self::Reserved => "a reserved address",
        }
    }

    /// Whether a webhook may be sent to an address of this kind under `policy`.
    pub fn allowed(self, policy: UrlPolicy) -> bool {
        match self {
            Self::Public => true,
            Self::Loopback | Self::Private | Self::LinkLocal | Self::Shared => policy.allow_http_and_private,
            Self::Metadata | Self::Unspecified | Self::Multicast | Self::Reserved => false,
        }
    }
}

/// The kind of `ip`. IPv6 addresses that carry an IPv4 one (mapped, compatible, NAT64, 6to4)
/// are the kind of the IPv4 address they carry.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, network: [u8; 4], prefix: u32) -> bool {
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix) };
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(network)) & mask
}

fn classify_v4(ip: Ipv4Addr) -> AddressClass {
    use AddressClass::*;
    if ip == Ipv4Addr::new(169, 254, 169, 254) {
        return Metadata;
    }
    let table: &[([u8; 4], u32, AddressClass)] = &[
        ([0, 0, 0, 0], 32, Unspecified),
        ([0, 0, 0, 0], 8, Reserved),
        ([10, 0, 0, 0], 8, Private),
        ([100, 64, 0, 0], 10, Shared),
        ([127, 0, 0, 0], 8, Loopback),
        ([169, 254, 0, 0], 16, LinkLocal),
        ([172, 16, 0, 0], 12, Private),
        ([192, 0, 0, 0], 24, Reserved),
        ([192, 0, 2, 0], 24, Reserved),
        ([192, 88, 99, 0], 24, Reserved),
        ([192, 168, 0, 0], 16, Private),
        ([198, 18, 0, 0], 15, Reserved),
        ([198, 51, 100, 0], 24, Reserved),
        ([203, 0, 113, 0], 24, Reserved),
        ([224, 0, 0, 0], 4, Multicast),
        ([240, 0, 0, 0], 4, Reserved),
    ];
    table
        .iter()
        .find(|(network, prefix, _)| in_v4(ip, *network, *prefix))
        .map_or(Public, |(_, _, class)| *class)
}

fn in_v6(ip: Ipv6Addr, network: Ipv6Addr, prefix: u32) -> bool {
    let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) };
    u128::from(ip) & mask == u128::from(network) & mask
}

fn classify_v6(ip: Ipv6Addr) -> AddressClass {
    use AddressClass::*;
    let bits = u128::from(ip);
    if ip == Ipv6Addr::UNSPECIFIED {
        return Unspecified;
    }
    if ip == Ipv6Addr::LOCALHOST {
        return Loopback;
    }
    if ip == "fd00:ec2::254".parse::<Ipv6Addr>().expect("a valid address") {
        return Metadata;
    }
    // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), 64:ff9b::a.b.c.d (NAT64).
    let low32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    if in_v6(ip, Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0, 0), 96)
        || in_v6(ip, Ipv6Addr::UNSPECIFIED, 96)
        || in_v6(ip, Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96)
    {
        return classify_v4(low32);
    }
    // 2002:a.b.c.d::/48 (6to4).
    if in_v6(ip, Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16) {
        return classify_v4(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32));
    }
    let table: &[(Ipv6Addr, u32, AddressClass)] = &[
        (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, Private),
        (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, LinkLocal),
        // Site-local, deprecated but still routed inside some networks.
        (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10, Private),
        (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, Multicast),
        // Documentation, discard-only, NAT64 local use, ORCHID, Teredo, benchmarking.
        (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32, Reserved),
        (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64, Reserved),
        (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48, Reserved),
        (Ipv6Addr::new(0x2001, 0x10, 0, 0, 0, 0, 0, 0), 28, Reserved),
        (Ipv6Addr::new(0x2001, 0x20, 0, 0, 0, 0, 0, 0), 28, Reserved),
        (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 32, Reserved),
        (Ipv6Addr::new(0x2001, 0x2, 0, 0, 0, 0, 0, 0), 48, Reserved),
    ];
    if let Some((_, _, class)) = table.iter().find(|(network, prefix, _)| in_v6(ip, *network, *prefix)) {
        return *class;
    }
    // Only global unicast (2000::/3) is public; the rest of the space is unassigned.
    if in_v6(ip, Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3) {
        Public
    } else {
        Reserved
    }
}

/// Why a webhook URL is refused. Each message names the URL and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("the webhook URL {url:?} is not a URL: {reason}")]
    Unparsable { url: String, reason: String },
    #[error("the webhook URL is longer than {MAX_URL_LEN} characters")]
    TooLong,
    #[error("the webhook URL {url:?} must start with https://{}", if *allow_http { " or http://" } else { "" })]
    Scheme { url: String, allow_http: bool },
    #[error("the webhook URL {url:?} has no host")]
    NoHost { url: String },
    #[error("the webhook URL {url:?} points at {}, {address}; webhooks go to public addresses only", class.describe())]
    Refused { url: String, address: IpAddr, class: AddressClass },
    #[error("the host of the webhook URL {url:?} does not resolve: {reason}")]
    Unresolvable { url: String, reason: String },
}

impl UrlError {
    /// How to fix it, for the error's hint.
    pub fn hint(&self) -> String {
        let closed = "on a closed network (or for tests) the operator can start `ztd serve --webhook-allow-http`, which allows http:// and loopback and private addresses";
        match self {
            Self::Scheme { allow_http: false, .. } => format!("use an https:// URL; {closed}"),
            Self::Refused { class, .. } if class.allowed(UrlPolicy { allow_http_and_private: true }) => {
                format!("use a publicly reachable https:// URL; {closed}")
            }
            Self::Refused { .. } => {
                "use a publicly reachable https:// URL; this kind of address is never allowed".into()
            }
            Self::Unresolvable { .. } => {
                "check the host name; it must resolve in the DNS of the ztd server".into()
            }
            _ => "send an absolute https:// URL, e.g. https://hooks.example.com/ztd".into(),
        }
    }
}

/// Parses and checks what can be checked without DNS: scheme, host, and the address when the
/// host is an IP literal. Used at creation and before every send.
pub fn check_shape(text: &str, policy: UrlPolicy) -> Result<Url, UrlError> {
    if text.len() > MAX_URL_LEN {
        return Err(UrlError::TooLong);
    }
    let url = Url::parse(text)
        .map_err(|error| UrlError::Unparsable { url: text.to_owned(), reason: error.to_string() })?;
    let allowed = match url.scheme() {
        "https" => true,
        "http" => policy.allow_http_and_private,
        _ => false,
    };
    if !allowed {
        return Err(UrlError::Scheme { url: text.to_owned(), allow_http: policy.allow_http_and_private });
    }
    let refused = |address: IpAddr| {
        let class = classify(address);
        (!class.allowed(policy)).then(|| UrlError::Refused { url: text.to_owned(), address, class })
    };
    let host = url.host_str().ok_or_else(|| UrlError::NoHost { url: text.to_owned() })?;
    if let Some(address) = ip_literal(host) {
        refused(address).map_or(Ok(()), Err)?;
    }
    Ok(url)
}

/// The address a URL's host names literally (`10.0.0.1`, `[::1]`), as the URL parser
/// normalised it.
pub fn ip_literal(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// [`check_shape`], then the host's addresses: it must resolve, and to allowed addresses only
/// (every one of them: a name with one private address among public ones is refused too).
pub async fn check(text: &str, policy: UrlPolicy) -> Result<Url, UrlError> {
    let url = check_shape(text, policy)?;
    let host = url.host_str().unwrap_or_default();
    if ip_literal(host).is_some() {
        return Ok(url);
    }
    let port = url.port_or_known_default().unwrap_or(443);
    let unresolvable = |reason: String| UrlError::Unresolvable { url: text.to_owned(), reason };
    let addresses: Vec<SocketAddr> =
        match tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(addresses)) => addresses.collect(),
            Ok(Err(error)) => return Err(unresolvable(error.to_string())),
            Err(_) => return Err(unresolvable(format!("no answer within {} s", RESOLVE_TIMEOUT.as_secs()))),
        };
    if addresses.is_empty() {
        return Err(unresolvable("no address".into()));
    }
    for address in addresses {
        let class = classify(address.ip());
        if !class.allowed(policy) {
            return Err(UrlError::Refused { url: text.to_owned(), address: address.ip(), class });
        }
    }
    Ok(url)
}

/// The dispatcher's DNS resolver: the system's, keeping only allowed addresses, so the HTTP
/// client connects only to an address that passed the rules.
#[derive(Debug, Clone, Copy)]
pub struct CheckedResolver {
    pub policy: UrlPolicy,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                resolved.iter().copied().filter(|address| classify(address.ip()).allowed(policy)).collect();
            if allowed.is_empty() {
                let refused = resolved
                    .first()
                    .map(|address| format!("{} ({})", address.ip(), classify(address.ip()).describe()))
                    .unwrap_or_else(|| "nothing".into());
                return Err(format!("{host} resolves to {refused}, where webhooks are not sent").into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OPEN: UrlPolicy = UrlPolicy { allow_http_and_private: true };
    const STRICT: UrlPolicy = UrlPolicy { allow_http_and_private: false };

    fn class(text: &str) -> AddressClass {
        classify(text.parse().unwrap())
    }

    #[test]
    fn the_named_ranges_are_classified() {
        use AddressClass::*;
        for (address, expected) in [
            ("8.8.8.8", Public),
            ("1.1.1.1", Public),
            ("127.0.0.1", Loopback),
            ("127.255.255.254", Loopback),
            ("10.1.2.3", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("172.32.0.1", Public),
            ("192.168.1.1", Private),
            ("169.254.1.1", LinkLocal),
            ("169.254.169.254", Metadata),
            ("100.64.0.1", Shared),
            ("100.127.255.255", Shared),
            ("100.128.0.1", Public),
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Reserved),
            ("224.0.0.1", Multicast),
            ("255.255.255.255", Reserved),
            ("192.0.2.10", Reserved),
            ("::", Unspecified),
            ("::1", Loopback),
            ("fd00:ec2::254", Metadata),
            ("fd12:3456::1", Private),
            ("fc00::1", Private),
            ("fe80::1", LinkLocal),
            ("ff02::1", Multicast),
            ("2001:db8::1", Reserved),
            ("2606:4700:4700::1111", Public),
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:169.254.169.254", Metadata),
            ("::ffff:8.8.8.8", Public),
            ("64:ff9b::10.0.0.1", Private),
            ("2002:c0a8:0101::1", Private),
            ("2002:0808:0808::1", Public),
        ] {
            assert_eq!(class(address), expected, "{address}");
        }
    }

    #[test]
    fn the_flag_opens_private_networks_but_never_metadata() {
        for address in ["127.0.0.1", "10.0.0.1", "::1", "fd12::1", "169.254.1.1", "100.64.0.1"] {
            assert!(!class(address).allowed(STRICT), "{address}");
            assert!(class(address).allowed(OPEN), "{address}");
        }
        for address in ["169.254.169.254", "fd00:ec2::254", "0.0.0.0", "::", "224.0.0.1", "ff02::1"] {
            assert!(!class(address).allowed(OPEN), "{address}");
        }
    }

    #[test]
    fn urls_are_checked_with_a_message_naming_them() {
        assert!(check_shape("https://hooks.example.com/x?y=1", STRICT).is_ok());
        let http = check_shape("http://hooks.example.com/", STRICT).unwrap_err();
        assert!(http.to_string().contains("\"http://hooks.example.com/\""), "{http}");
        assert!(http.hint().contains("--webhook-allow-http"), "{}", http.hint());
        assert!(check_shape("http://hooks.example.com/", OPEN).is_ok());
        assert!(matches!(check_shape("ftp://x.example/", OPEN), Err(UrlError::Scheme { .. })));
        assert!(matches!(check_shape("not a url", OPEN), Err(UrlError::Unparsable { .. })));
        let private = check_shape("https://10.0.0.5:8443/hook", STRICT).unwrap_err();
        assert!(private.to_string().contains("a private address, 10.0.0.5"), "{private}");
        assert!(private.hint().contains("--webhook-allow-http"));
        assert!(check_shape("https://10.0.0.5:8443/hook", OPEN).is_ok());
        let metadata = check_shape("http://169.254.169.254/latest/meta-data", OPEN).unwrap_err();
        assert!(metadata.hint().contains("never allowed"), "{}", metadata.hint());
        assert!(matches!(check_shape("https://[::1]/", STRICT), Err(UrlError::Refused { .. })));
        assert!(matches!(
            check_shape(&format!("https://a.example/{}", "x".repeat(MAX_URL_LEN)), OPEN),
            Err(UrlError::TooLong)
        ));
    }

    #[tokio::test]
    async fn names_are_resolved_and_every_address_checked() {
        let refused = check("https://localhost:9/hook", STRICT).await.unwrap_err();
        assert!(matches!(refused, UrlError::Refused { class: AddressClass::Loopback, .. }), "{refused}");
        assert!(check("http://localhost:9/hook", OPEN).await.is_ok());
    }

    #[tokio::test]
    async fn the_resolver_drops_refused_addresses() {
        use reqwest::dns::Resolve;
        let strict = CheckedResolver { policy: STRICT };
        let error = strict.resolve("localhost".parse().unwrap()).await.err().expect("refused");
        assert!(error.to_string().contains("loopback"), "{error}");
        let open = CheckedResolver { policy: OPEN };
        let addresses: Vec<_> = open.resolve("localhost".parse().unwrap()).await.expect("resolved").collect();
        assert!(addresses.iter().all(|a| a.ip().is_loopback()), "{addresses:?}");
    }

    proptest! {
        #[test]
        fn every_rfc1918_address_is_private(host in any::<u32>()) {
            for (network, prefix) in [([10, 0, 0, 0], 8), ([172, 16, 0, 0], 12), ([192, 168, 0, 0], 16)] {
                let base = u32::from(Ipv4Addr::from(network));
                let address = Ipv4Addr::from(base | (host >> prefix));
                prop_assert_eq!(classify(IpAddr::V4(address)), AddressClass::Private, "{}", address);
            }
        }

        #[test]
        fn every_loopback_and_shared_address_is_refused_without_the_flag(host in any::<u32>()) {
            let loopback = Ipv4Addr::from((127 << 24) | (host >> 8));
            prop_assert_eq!(classify(IpAddr::V4(loopback)), AddressClass::Loopback);
            let shared = Ipv4Addr::from(u32::from(Ipv4Addr::new(100, 64, 0, 0)) | (host >> 10));
            prop_assert_eq!(classify(IpAddr::V4(shared)), AddressClass::Shared);
            prop_assert!(!classify(IpAddr::V4(shared)).allowed(STRICT));
        }

        #[test]
        fn an_ipv4_address_and_its_ipv6_forms_are_one_kind(bits in any::<u32>()) {
            let v4 = Ipv4Addr::from(bits);
            let expected = classify(IpAddr::V4(v4));
            prop_assert_eq!(classify(IpAddr::V6(v4.to_ipv6_mapped())), expected);
            let nat64 = Ipv6Addr::from((0x0064_ff9b_u128 << 96) | u128::from(bits));
            prop_assert_eq!(classify(IpAddr::V6(nat64)), expected);
            let six_to_four = Ipv6Addr::from((0x2002_u128 << 112) | (u128::from(bits) << 80) | 1);
            prop_assert_eq!(classify(IpAddr::V6(six_to_four)), expected);
        }

        #[test]
        fn unique_local_and_link_local_ipv6_are_never_public(bits in any::<u128>()) {
            let ula = Ipv6Addr::from((0xfc_u128 << 120) | (bits >> 7));
            prop_assert!(!classify(IpAddr::V6(ula)).allowed(STRICT), "{}", ula);
            let link = Ipv6Addr::from((0xfe8_u128 << 116) | (bits >> 10));
            prop_assert!(!classify(IpAddr::V6(link)).allowed(STRICT), "{}", link);
        }
    }
}
