// The address guard refuses every range a crawler must not reach (SSRF).
#include "fetch/address_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace trawl {
namespace {

TEST(AddressGuard, RefusesLocalPrivateAndSpecialRanges) {
  const struct {
    const char* ip;
    const char* range;
  } cases[] = {
      {"127.0.0.1", "loopback"},
      {"127.8.9.10", "loopback"},
      {"10.1.2.3", "private"},
      {"172.16.0.1", "private"},
      {"172.31.255.255", "private"},
      {"192.168.1.1", "private"},
      {"169.254.169.254", "cloud-metadata"},
      {"169.254.1.1", "link-local"},
      {"100.64.0.1", "cgnat"},
      {"100.127.255.254", "cgnat"},
      {"0.0.0.0", "unspecified"},
      {"224.0.0.1", "multicast"},
      {"239.255.255.250", "multicast"},
      {"255.255.255.255", "reserved"},
      {"192.0.2.10", "documentation"},
      {"198.18.0.1", "reserved"},
      {"::1", "loopback"},
      {"::", "unspecified"},
      {"fe80::1", "link-local"},
      {"fc00::1", "unique-local"},
      {"fd00:ec2::254", "unique-local"},
      {"ff02::1", "multicast"},
      {"::ffff:127.0.0.1", "loopback"},
      {"::ffff:10.0.0.1", "private"},
      {"64:ff9b::a9fe:a9fe", "cloud-metadata"},
      {"2002:c0a8:0101::1", "private"},
      {"2001:db8::1", "documentation"},
      {"not-an-ip", "unparsable"},
  };
  for (const auto& c : cases) EXPECT_EQ(BlockedRange(std::string(c.ip)), c.range) << c.ip;
}

TEST(AddressGuard, AllowsPublicAddresses) {
  const char* ok[] = {
      "93.184.216.34",       "8.8.8.8",     "1.1.1.1",         "172.32.0.1",
      "172.15.255.255",      "100.128.0.1", "2606:4700::1111", "2a00:1450:4009:80b::200e",
      "::ffff:93.184.216.34"};
  for (const char* ip : ok) EXPECT_EQ(BlockedRange(std::string(ip)), "") << ip;
}

TEST(AddressGuard, BlockedAddressNamesTheAddressAndItsRange) {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
  EXPECT_EQ(BlockedAddress(reinterpret_cast<sockaddr*>(&v4)), "127.0.0.1 (loopback)");
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "fe80::1", &v6.sin6_addr);
  EXPECT_EQ(BlockedAddress(reinterpret_cast<sockaddr*>(&v6)), "fe80::1 (link-local)");
  inet_pton(AF_INET, "8.8.8.8", &v4.sin_addr);
  EXPECT_EQ(BlockedAddress(reinterpret_cast<sockaddr*>(&v4)), "");
}

}  // namespace
}  // namespace trawl
