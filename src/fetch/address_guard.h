// The address guard: decides whether trawl may open a connection to an IP
// address. Checked on every socket curl opens (CURLOPT_OPENSOCKETFUNCTION), so
// a name that resolves to a public address once and a private one later (DNS
// rebinding) is still refused at connect time. Pure; thread-safe.
#pragma once

#include <sys/socket.h>

#include <string>

namespace trawl {

// Returns an empty string when the address may be connected to, else the
// name of the range it falls in ("loopback", "private", "link-local",
// "cgnat", "multicast", "reserved", "unspecified", "documentation",
// "unique-local", "cloud-metadata"). IPv4-mapped and NAT64 IPv6 addresses are
// judged by the IPv4 address inside them. Unknown families are blocked.
std::string BlockedRange(const sockaddr* addr);

// Same for a textual address ("10.0.0.1", "::1"); unparsable text is blocked.
std::string BlockedRange(const std::string& ip);

// For the connect-time check and its message: an empty string when `addr`
// may be connected to, else the address and its range, "127.0.0.1 (loopback)".
std::string BlockedAddress(const sockaddr* addr);

}  // namespace trawl
