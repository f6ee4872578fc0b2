// Address ranges that a crawler must never reach on a user's behalf: the
// machine itself, its networks, and cloud metadata services (SSRF).
#include "fetch/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace trawl {
namespace {

struct V4Range {
  uint32_t base;
  int bits;
  const char* name;
};

// IANA special-purpose registry (RFC 6890 and successors), the ranges that
// are not globally reachable or that reach the local host or network.
constexpr V4Range kV4Blocked[] = {
    {0x00000000, 8, "unspecified"},      // 0.0.0.0/8
    {0x0A000000, 8, "private"},          // 10.0.0.0/8
    {0x64400000, 10, "cgnat"},           // 100.64.0.0/10
    {0x7F000000, 8, "loopback"},         // 127.0.0.0/8
    {0xA9FEA9FE, 32, "cloud-metadata"},  // 169.254.169.254
    {0xA9FE0000, 16, "link-local"},      // 169.254.0.0/16
    {0xAC100000, 12, "private"},         // 172.16.0.0/12
    {0xC0000000, 24, "reserved"},        // 192.0.0.0/24 (IETF protocol assignments)
    {0xC0000200, 24, "documentation"},   // 192.0.2.0/24
    {0xC0586300, 24, "reserved"},        // 192.88.99.0/24 (6to4 relay)
    {0xC0A80000, 16, "private"},         // 192.168.0.0/16
    {0xC6120000, 15, "reserved"},        // 198.18.0.0/15 (benchmarking)
    {0xC6336400, 24, "documentation"},   // 198.51.100.0/24
    {0xCB007100, 24, "documentation"},   // 203.0.113.0/24
    {0xE0000000, 4, "multicast"},        // 224.0.0.0/4
    {0xF0000000, 4, "reserved"},         // 240.0.0.0/4 incl. broadcast
};

std::string CheckV4(uint32_t ip) {
  for (const auto& r : kV4Blocked) {
    uint32_t mask = r.bits == 0 ? 0 : ~uint32_t{0} << (32 - r.bits);
    if ((ip & mask) == (r.base & mask)) return r.name;
  }
  return {};
}

uint32_t V4At(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

std::string CheckV6(const uint8_t* a) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  static constexpr uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  static constexpr uint8_t kZero[16] = {};
  if (std::memcmp(a, kMapped, 12) == 0 || std::memcmp(a, kNat64, 12) == 0) {
    return CheckV4(V4At(a + 12));
  }
  if (std::memcmp(a, kZero, 15) == 0) return a[15] == 1 ? "loopback" : "unspecified";
  if (std::memcmp(a, kZero, 12) == 0) return "reserved";  // deprecated IPv4-compatible
  if ((a[0] & 0xfe) == 0xfc) {
    // fd00:ec2::254 is AWS's IPv6 metadata endpoint; it is in fc00::/7 anyway.
    return "unique-local";
  }
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return "link-local";
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return "reserved";  // site-local (deprecated)
  if (a[0] == 0xff) return "multicast";
  if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return "documentation";
  if (a[0] == 0x20 && a[1] == 0x02) return CheckV4(V4At(a + 2));  // 6to4 embeds an IPv4
  return {};
}

}  // namespace

std::string BlockedRange(const sockaddr* addr) {
  if (addr == nullptr) return "unspecified";
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return CheckV4(ntohl(in->sin_addr.s_addr));
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    return CheckV6(in6->sin6_addr.s6_addr);
  }
  return "reserved";
}

std::string BlockedAddress(const sockaddr* addr) {
  std::string range = BlockedRange(addr);
  if (range.empty()) return range;
  char text[INET6_ADDRSTRLEN] = {};
  if (addr != nullptr && addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof text);
  } else if (addr != nullptr && addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text, sizeof text);
  }
  return std::string(text) + " (" + range + ")";
}

std::string BlockedRange(const std::string& ip) {
  sockaddr_in v4{};
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET, ip.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return BlockedRange(reinterpret_cast<sockaddr*>(&v4));
  }
  if (inet_pton(AF_INET6, ip.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return BlockedRange(reinterpret_cast<sockaddr*>(&v6));
  }
  return "unparsable";
}

}  // namespace trawl
