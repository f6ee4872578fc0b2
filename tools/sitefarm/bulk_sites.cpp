// Generated company sites bulk-<i>.test: identity, page assembly, serving.
#include "sitefarm/bulk_sites.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "sitefarm/bulk_content.h"

namespace trawl::sitefarm {
namespace {

struct PageSpec {
  const char* path;
  const char* title;
};

// Nav order. Index 0 must stay the home page.
constexpr PageSpec kPages[] = {{"/", "Home"},
                               {"/about", "About us"},
                               {"/services", "Services"},
                               {"/team", "Our team"},
                               {"/news", "News"},
                               {"/careers", "Careers"},
                               {"/faq", "FAQ"},
                               {"/contact", "Contact us"},
                               {"/legal-notice", "Legal notice"},
                               {"/privacy", "Privacy policy"}};
constexpr size_t kPageCount = sizeof(kPages) / sizeof(kPages[0]);
constexpr size_t kContactPage = 7;
constexpr size_t kMinPageBytes = 27000;  // pages land in [27 KB, 55 KB)
constexpr size_t kPageSpreadBytes = 27000;

const char* const kNameSuffixes[] = {"Ltd",        "Limited",      "Group Ltd",
                                     "& Sons Ltd", "Services Ltd", "UK Ltd"};
constexpr char kPostcodeLetters[] = "ABDEFGHJLNPQRSTUWXYZ";  // letters valid in inward codes

constexpr std::string_view kStyle = R"(<style>
:root{--brand:#1d4f7a;--accent:#e9a23b;--ink:#222;--muted:#666;--bg:#fafafa}
*{box-sizing:border-box}body{margin:0;font-family:"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg);line-height:1.6}
a{color:var(--brand);text-decoration:none}a:hover{text-decoration:underline}
.topbar{background:var(--brand);color:#fff;font-size:.85rem;padding:.4rem 1rem;display:flex;justify-content:space-between}
.topbar a{color:#fff}header.site{background:#fff;border-bottom:1px solid #e4e4e4;padding:1rem}
header.site .logo{font-size:1.5rem;font-weight:700;color:var(--brand)}
nav.main ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
nav.main li a{display:block;padding:.5rem .75rem;border-radius:4px}
nav.main li a.active,nav.main li a:hover{background:var(--brand);color:#fff}
main{max-width:1100px;margin:0 auto;padding:2rem 1rem}main h1{font-size:2.2rem;margin-top:0}
.hero{background:linear-gradient(120deg,var(--brand),#2f7ab8);color:#fff;padding:3rem 1rem;text-align:center}
.hero .cta{display:inline-block;background:var(--accent);color:#222;padding:.75rem 1.5rem;border-radius:4px;font-weight:700}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:1rem;margin:2rem 0}
.card{background:#fff;border:1px solid #e4e4e4;border-radius:6px;padding:1rem}
.card h3{margin-top:0}table.hours{border-collapse:collapse}table.hours td{padding:.25rem 1rem .25rem 0}
footer.site{background:#1b1b1b;color:#ccc;padding:2rem 1rem;font-size:.9rem}
footer.site a{color:#fff}footer.site .cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:2rem;max-width:1100px;margin:0 auto}
footer.site .legal{max-width:1100px;margin:1.5rem auto 0;border-top:1px solid #333;padding-top:1rem;color:#999}
.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#333;color:#fff;padding:1rem;display:none}
@media (max-width:700px){nav.main ul{flex-direction:column}.topbar{flex-direction:column}}
</style>
)";

constexpr std::string_view kScript = R"(<script>
(function(){var b=document.querySelector('.cookie-banner');if(!b)return;
if(!document.cookie.match(/cookies_ok=1/)){b.style.display='block';}
var ok=b.querySelector('button');if(ok){ok.addEventListener('click',function(){
document.cookie='cookies_ok=1;path=/;max-age=31536000';b.style.display='none';});}
var links=document.querySelectorAll('nav.main a');for(var i=0;i<links.length;i++){
if(links[i].getAttribute('href')===location.pathname){links[i].classList.add('active');}}})();
</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-XXXXXXX');</script>
)";

std::string Slug(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(AsciiLower(c));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Seven base digits and two check digits with sum(d_k * (8 - k)) + check
// divisible by 97: the classic GB VAT rule.
std::string GbVatNumber(uint64_t seed) {
  std::string base = std::to_string(1000000 + seed % 8999999);
  int sum = 0;
  for (int k = 0; k < 7; ++k) sum += (base[k] - '0') * (8 - k);
  return fmt::format("GB{}{:02d}", base, (97 - sum % 97) % 97);
}

const Industry& IndustryOf(int i) { return Industries()[(i + i / 40) % Industries().size()]; }

// Index of a page path ("/about", "/about/", "/index.html"), or -1.
int PageIndex(std::string_view path) {
  if (path == "/index.html" || path == "/index.htm") return 0;
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (size_t p = 0; p < kPageCount; ++p) {
    if (path == kPages[p].path) return static_cast<int>(p);
  }
  return -1;
}

void AppendHead(PageBuilder& b, const FillerPool& pool, const BulkTruth& t, const Industry& ind,
                size_t page) {
  std::string out;
  const std::string name = HtmlEscape(t.company_name);
  const std::string description =
      fmt::format("{} provides {} to homes and businesses in {} and the surrounding area.", name,
                  ind.trade, t.locality);
  out += fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{} | {}</title>\n<meta name=\"description\" content=\"{}\">\n"
      "<link rel=\"canonical\" href=\"http://{}{}\">\n"
      "<meta property=\"og:site_name\" content=\"{}\">\n<meta property=\"og:type\" "
      "content=\"website\">\n<meta property=\"og:title\" content=\"{} | {}\">\n",
      kPages[page].title, name, description, t.host, kPages[page].path, name, kPages[page].title,
      name);
  b.Text(out);
  b.Piece(pool.style());
  out.clear();
  if (page == 0) {
    out += fmt::format(
        "<script type=\"application/ld+json\">\n{{\"@context\":\"https://schema.org\","
        "\"@type\":\"Organization\",\"name\":\"{}\",\"url\":\"http://{}/\",\"email\":\"{}\","
        "\"telephone\":\"{}\",\"address\":{{\"@type\":\"PostalAddress\",\"streetAddress\":\"{}\","
        "\"addressLocality\":\"{}\",\"postalCode\":\"{}\",\"addressCountry\":\"GB\"}},"
        "\"sameAs\":[\"{}\",\"{}\"]}}\n</script>\n",
        t.company_name, t.host, t.email, t.phone, t.street, t.locality, t.postcode, t.linkedin,
        t.facebook);
  }
  out += "</head>\n";
  b.Text(out);
}

void AppendHeader(std::string& out, const BulkTruth& t, size_t page) {
  out += fmt::format(
      "<body>\n<div class=\"topbar\"><span>Call us: <a href=\"tel:{}\">{}</a></span>"
      "<span>Mon&ndash;Fri 8:00&ndash;17:30</span></div>\n<header class=\"site\">\n"
      "<a class=\"logo\" href=\"/\">{}</a>\n<nav class=\"main\" aria-label=\"Main\">\n<ul>\n",
      t.phone, t.phone_display, HtmlEscape(t.company_name));
  for (size_t p = 0; p < kPageCount; ++p) {
    out += fmt::format("<li><a href=\"{}\"{}>{}</a></li>\n", kPages[p].path,
                       p == page ? " class=\"active\"" : "", kPages[p].title);
  }
  out += "</ul>\n</nav>\n</header>\n";
}

void AppendContactBlock(std::string& out, const BulkTruth& t) {
  out += fmt::format(
      "<section class=\"contact-details\">\n<h2>Get in touch</h2>\n"
      "<p>Email: <a href=\"mailto:{0}\">{0}</a><br>\nTelephone: <a href=\"tel:{1}\">{2}</a></p>\n"
      "<address>{3}<br>\n{4}<br>\n{5}<br>\n{6}<br>\nUnited Kingdom</address>\n"
      "<table class=\"hours\"><tr><td>Monday&ndash;Friday</td><td>8:00&ndash;17:30</td></tr>"
      "<tr><td>Saturday</td><td>9:00&ndash;13:00</td></tr><tr><td>Sunday</td><td>Closed</td></tr>"
      "</table>\n<form class=\"contact-form\" action=\"/contact\" method=\"post\">\n"
      "<label>Your name <input name=\"name\" required></label>\n<label>Your email "
      "<input type=\"email\" name=\"email\" required></label>\n<label>Message <textarea "
      "name=\"message\" rows=\"6\"></textarea></label>\n<button type=\"submit\">Send</button>\n"
      "</form>\n</section>\n",
      t.email, t.phone, t.phone_display, HtmlEscape(t.company_name), t.street, t.locality,
      t.postcode);
}

void AppendPageSpecific(std::string& out, const BulkTruth& t, const Industry& ind, size_t page) {
  const auto& people = PersonNames();
  const uint64_t h = Mix(std::hash<std::string>{}(t.host));
  if (page == 0) {
    out += fmt::format(
        "<section class=\"hero\"><h2>Trusted {} in {}</h2><p>Friendly, qualified and fully "
        "insured.</p><a class=\"cta\" href=\"/contact\">Request a free quote</a></section>\n",
        ind.trade, t.locality);
  }
  if (page == 0 || page == 2) {
    out += "<div class=\"cards\">\n";
    for (const char* service : ind.services) {
      out += fmt::format(
          "<div class=\"card\"><h3>{}</h3><p>Professional {} from an experienced "
          "local team.</p><a href=\"/services\">Find out more</a></div>\n",
          service, service);
    }
    out += "</div>\n";
  }
  if (page == 3) {
    out += "<ul class=\"team\">\n";
    for (int k = 0; k < 6; ++k) {
      out += fmt::format("<li><strong>{}</strong> &ndash; {}</li>\n",
                         people[(h + k * 3) % people.size()],
                         k == 0   ? "Managing Director"
                         : k == 1 ? "Office Manager"
                                  : "Technician");
    }
    out += "</ul>\n";
  }
  if (page == 6) {
    out += fmt::format(
        "<dl class=\"faq\">\n<dt>Do you charge for quotes?</dt><dd>No, quotes are free and "
        "without obligation.</dd>\n<dt>Which areas do you cover?</dt><dd>{} and the surrounding "
        "area.</dd>\n<dt>How do I book?</dt><dd>Call {} or email {}.</dd>\n</dl>\n",
        t.locality, t.phone_display, t.email);
  }
  if (page == kContactPage) AppendContactBlock(out, t);
  if (page == 8) {
    out += fmt::format(
        "<p>{} is a private limited company registered in England and Wales under company number "
        "{}. Registered office: {}, {}, {}. VAT registration number: {}.</p>\n",
        HtmlEscape(t.company_name), t.company_number, t.street, t.locality, t.postcode,
        t.vat_number);
  }
}

std::string Footer(const BulkTruth& t) {
  const std::string name = HtmlEscape(t.company_name);
  return fmt::format(
      "<footer class=\"site\">\n<div class=\"cols\">\n<div><h4>{0}</h4><address>{1}<br>{2}<br>{3}"
      "</address></div>\n<div><h4>Contact</h4><p>Tel: <a href=\"tel:{4}\">{5}</a><br>Email: "
      "<a href=\"mailto:{6}\">{6}</a></p></div>\n<div><h4>Follow us</h4><p><a href=\"{7}\">"
      "LinkedIn</a> &middot; <a href=\"{8}\">Facebook</a></p><p><a href=\"/private/staff\">Staff "
      "area</a></p></div>\n</div>\n<div class=\"legal\">&copy; 2024 {0}. Registered in England "
      "and Wales, company number {9}. VAT reg. no. {10}. <a href=\"/legal-notice\">Legal notice"
      "</a> &middot; <a href=\"/privacy\">Privacy</a></div>\n</footer>\n"
      "<div class=\"cookie-banner\">We use cookies to improve our website. <button>OK</button>"
      "</div>\n",
      name, t.street, t.locality, t.postcode, t.phone, t.phone_display, t.email, t.linkedin,
      t.facebook, t.company_number, t.vat_number);
}

std::string RobotsTxt(const BulkTruth& t) {
  return fmt::format(
      "User-agent: *\nDisallow: /private/\nAllow: /\n\nSitemap: http://{}/sitemap.xml\n", t.host);
}

std::string SitemapXml(const BulkTruth& t) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (const PageSpec& p : kPages) {
    out += fmt::format("  <url><loc>http://{}{}</loc><changefreq>monthly</changefreq></url>\n",
                       t.host, p.path);
  }
  return out + "</urlset>\n";
}

std::string PrivatePage(const BulkTruth& t) {
  return fmt::format(
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Staff area | {0}</title></head>"
      "<body><h1>Staff area</h1><p>Disallowed by robots.txt. Internal contact: "
      "<a href=\"mailto:private@{1}\">private@{1}</a></p></body></html>\n",
      HtmlEscape(t.company_name), t.host);
}

}  // namespace

BulkSites::BulkSites(int count)
    : count_(count),
      pool_(std::make_unique<FillerPool>(std::string(kStyle), std::string(kScript))) {}
BulkSites::~BulkSites() = default;

int BulkSites::IndexOf(std::string_view host) const {
  if (host.starts_with("www.")) host.remove_prefix(4);
  if (!host.starts_with("bulk-") || !host.ends_with(".test")) return -1;
  std::string_view digits = host.substr(5, host.size() - 10);
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return -1;
  int i = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
  if (ec != std::errc() || end != digits.data() + digits.size() || i >= count_) return -1;
  return i;
}

BulkTruth BulkSites::Truth(int i) {
  const uint64_t n = static_cast<uint64_t>(i);
  const auto& names = NameWords();
  const Area& area = Areas()[n % Areas().size()];
  const uint64_t h = Mix(n);
  BulkTruth t;
  t.host = fmt::format("bulk-{}.test", i);
  // Unique for i < 2880: (first word, industry) pairs repeat every 480 sites.
  t.company_name = fmt::format("{} {} {}", names[n % names.size()], IndustryOf(i).name_word,
                               kNameSuffixes[(n / 480) % 6]);
  t.email = fmt::format("info@{}", t.host);
  // Unique for i < 14000 (14 areas x 1000 numbers).
  const uint64_t local = (n / Areas().size()) % 1000;
  t.phone = fmt::format("{}{:03d}", area.e164_prefix, local);
  t.phone_display = fmt::format("{}{:03d}", area.display_prefix, local);
  t.street = fmt::format("{} {}", 1 + h % 180, StreetNames()[(h >> 8) % StreetNames().size()]);
  t.locality = area.town;
  t.postcode = fmt::format("{}{} {}{}{}", area.postcode_area, 1 + (h >> 16) % 9, 1 + (h >> 20) % 9,
                           kPostcodeLetters[(h >> 24) % 20], kPostcodeLetters[(h >> 32) % 20]);
  t.company_number = fmt::format("{:08d}", 1000000 + (n * 7919) % 8999999);
  t.vat_number = GbVatNumber(n * 104729);
  const std::string slug = Slug(t.company_name);
  t.linkedin = "https://www.linkedin.com/company/" + slug;
  std::string fb = slug;
  std::erase(fb, '-');
  t.facebook = "https://www.facebook.com/" + fb;
  return t;
}

std::string BulkSites::TruthJson(int i) {
  BulkTruth t = Truth(i);
  nlohmann::json j = {{"host", t.host},
                      {"company_name", t.company_name},
                      {"email", t.email},
                      {"phone", t.phone},
                      {"phone_display", t.phone_display},
                      {"street", t.street},
                      {"locality", t.locality},
                      {"postcode", t.postcode},
                      {"country", "GB"},
                      {"company_number", t.company_number},
                      {"vat_number", t.vat_number},
                      {"linkedin", t.linkedin},
                      {"facebook", t.facebook},
                      {"pages", PagePaths()}};
  return j.dump(2) + "\n";
}

std::vector<std::string> BulkSites::PagePaths() {
  std::vector<std::string> paths;
  for (const PageSpec& p : kPages) paths.emplace_back(p.path);
  return paths;
}

PageBuilder BulkSites::Page(int i, size_t page) const {
  const BulkTruth t = Truth(i);
  const size_t industry = static_cast<size_t>(i + i / 40) % Industries().size();
  const Industry& ind = Industries()[industry];
  const uint64_t seed = Mix(static_cast<uint64_t>(i) * kPageCount + page);
  const size_t target = kMinPageBytes + seed % kPageSpreadBytes;
  const std::string footer = "</main>\n" + Footer(t);
  PageBuilder b;
  AppendHead(b, *pool_, t, ind, page);
  std::string out;
  AppendHeader(out, t, page);
  out += fmt::format("<main id=\"content\">\n<h1>{}</h1>\n", kPages[page].title);
  AppendPageSpecific(out, t, ind, page);
  b.Text(out);
  const size_t tail = footer.size() + pool_->script().text.size() + 32;
  for (uint64_t k = seed; b.size() + tail < target; ++k) {
    if (k % 5 == 0) b.Piece(pool_->Heading(industry, k / 5));
    b.Piece(pool_->Paragraph(industry, k));
  }
  b.Text(footer);
  b.Piece(pool_->script());
  b.Text("</body>\n</html>\n");
  return b;
}

Response BulkSites::Serve(int i, const Request& req, bool gzip) const {
  const BulkTruth t = Truth(i);
  if (req.path == "/robots.txt") {
    return TextResponse(200, "text/plain; charset=utf-8", RobotsTxt(t));
  }
  if (req.path == "/sitemap.xml") return TextResponse(200, "application/xml", SitemapXml(t));
  if (req.path.starts_with("/private/")) {
    return TextResponse(200, "text/html; charset=utf-8", PrivatePage(t));
  }
  int page = PageIndex(req.path);
  if (page < 0) {
    return TextResponse(404, "text/html; charset=utf-8",
                        "<!DOCTYPE html><html><head><title>Page not found</title></head><body>"
                        "<h1>Page not found</h1><p><a href=\"/\">Home</a></p></body></html>\n");
  }
  PageBuilder b = Page(i, static_cast<size_t>(page));
  Response r;
  if (gzip && req.accepts_gzip) {
    r.body = b.Gzip();
    r.headers = {{"Content-Encoding", "gzip"}, {"Vary", "Accept-Encoding"}};
  } else {
    r.body = b.Plain();
  }
  return r;
}

}  // namespace trawl::sitefarm
