// Word lists and filler paragraphs for the generated bulk sites.
#include "sitefarm/bulk_content.h"

#include <fmt/format.h>

namespace trawl::sitefarm {
namespace {

// Sentence templates: {0} trade, {1} a service, {2} another service, {3} a
// kind of client, {4} a region, {5} a number of years.
const char* const kSentences[] = {
    "Our {0} team works with {3} across {4}, and every job is planned with care from the first "
    "visit to the final check.",
    "We have been providing {1} for more than {5} years, and most of our work now comes from "
    "recommendations and repeat customers.",
    "Whether you need {1} or {2}, one of our qualified staff will talk you through the options "
    "and give you a clear written quote before any work starts.",
    "All of our engineers carry identification, follow a written code of conduct and clean up "
    "properly at the end of each day on site.",
    "We understand that {3} need reliable service at a fair price, which is why we keep our "
    "pricing simple and explain every line of the estimate.",
    "Many of our customers first came to us for {1}; they stay because we turn up on time and "
    "do what we say we will do.",
    "Over the last {5} years we have invested in training, modern equipment and a small fleet "
    "of vans so that we can reach most addresses in {4} within a day.",
    "If something is not right after we have finished, tell us and we will come back and put it "
    "right at no extra cost, because our reputation depends on it.",
    "We are fully insured and keep our accreditations up to date, and we are happy to share "
    "certificates and references on request.",
    "Good {0} is about more than the work itself: it means listening, planning ahead and keeping "
    "you informed at every stage.",
    "For larger projects we assign a named project lead who coordinates {1} and {2} and is your "
    "single point of contact throughout.",
    "We regularly work for {3}, letting agents and facilities managers who need dependable "
    "{0} with proper paperwork and clear reporting.",
    "Our office team answers calls during normal working hours and replies to messages the same "
    "day wherever possible.",
    "We source materials from trusted local suppliers, which keeps costs down and supports other "
    "small businesses in {4}.",
    "Every quote we send lists the scope of the work, the materials we plan to use and the "
    "expected timetable, so there are no surprises later.",
    "Seasonal demand for {1} can be high, so we recommend booking a few weeks ahead during the "
    "busiest months of the year.",
    "We take health and safety seriously and carry out a short risk assessment before any work "
    "begins on site.",
    "Our apprentices train alongside experienced staff, learning {0} the right way and bringing "
    "fresh energy to the team.",
    "We try to reduce waste on every job, recycling offcuts and packaging wherever we can and "
    "disposing of the rest responsibly.",
    "Customer feedback helps us improve, and we read every review and comment that comes in "
    "after a job is finished.",
};

const char* const kClients[] = {
    "homeowners",           "landlords",         "small businesses", "schools",
    "housing associations", "property managers", "local councils",   "shops and restaurants"};
const char* const kRegions[] = {"the city and surrounding villages",
                                "the wider county",
                                "the north of England",
                                "the Midlands",
                                "the south west",
                                "the whole region",
                                "town and country alike"};

}  // namespace

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

const std::vector<Industry>& Industries() {
  static const std::vector<Industry> kIndustries = {
      {"Plumbing & Heating",
       "plumbing",
       {"boiler servicing", "bathroom installation", "leak repairs", "central heating upgrades",
        "radiator replacement", "emergency call-outs"}},
      {"Electrical Services",
       "electrical work",
       {"rewiring", "fuse board upgrades", "EV charger installation", "lighting design",
        "electrical safety testing", "fault finding"}},
      {"Accountants",
       "accountancy",
       {"annual accounts", "self-assessment tax returns", "payroll", "VAT returns", "bookkeeping",
        "business planning"}},
      {"Landscapes",
       "landscaping",
       {"garden design", "patio laying", "fencing", "turfing", "tree surgery", "hedge trimming"}},
      {"IT Solutions",
       "IT support",
       {"network installation", "cloud migration", "cyber security reviews", "helpdesk support",
        "backup and recovery", "hardware supply"}},
      {"Cleaning Services",
       "cleaning",
       {"office cleaning", "end of tenancy cleans", "carpet cleaning", "window cleaning",
        "deep cleans", "after-builders cleaning"}},
      {"Joinery",
       "joinery",
       {"bespoke kitchens", "fitted wardrobes", "staircases", "sash window repairs",
        "internal doors", "timber flooring"}},
      {"Roofing",
       "roofing",
       {"roof repairs", "flat roof replacement", "guttering", "chimney repairs", "slate roofing",
        "roof inspections"}},
      {"Solicitors",
       "legal advice",
       {"conveyancing", "wills and probate", "family law", "employment law", "commercial leases",
        "dispute resolution"}},
      {"Dental Care",
       "dental care",
       {"check-ups", "hygienist visits", "teeth whitening", "dental implants", "orthodontics",
        "emergency appointments"}},
      {"Removals",
       "removals",
       {"house moves", "office relocations", "packing services", "storage", "piano moving",
        "international removals"}},
      {"Decorators",
       "painting and decorating",
       {"interior painting", "exterior painting", "wallpapering", "plastering", "floor sanding",
        "commercial decorating"}},
  };
  return kIndustries;
}

const std::vector<Area>& Areas() {
  static const std::vector<Area> kAreas = {
      {"Leeds", "LS", "0113 496 0", "+441134960"},
      {"Sheffield", "S", "0114 496 0", "+441144960"},
      {"Leicester", "LE", "0116 496 0", "+441164960"},
      {"Bristol", "BS", "0117 496 0", "+441174960"},
      {"Reading", "RG", "0118 496 0", "+441184960"},
      {"Birmingham", "B", "0121 496 0", "+441214960"},
      {"Edinburgh", "EH", "0131 496 0", "+441314960"},
      {"Glasgow", "G", "0141 496 0", "+441414960"},
      {"Liverpool", "L", "0151 496 0", "+441514960"},
      {"Manchester", "M", "0161 496 0", "+441614960"},
      {"London", "N", "020 7946 0", "+442079460"},
      {"Newcastle upon Tyne", "NE", "0191 498 0", "+441914980"},
      {"Belfast", "BT", "028 9649 6", "+442896496"},
      {"Cardiff", "CF", "029 2018 0", "+442920180"},
  };
  return kAreas;
}

const std::vector<const char*>& NameWords() {
  static const std::vector<const char*> kWords = {
      "Ashworth",  "Brampton",   "Castlegate", "Dunmore",   "Elmfield",   "Fairhaven", "Greystone",
      "Hartley",   "Ironbridge", "Jarrow",     "Kingsmead", "Langdale",   "Moorcroft", "Northgate",
      "Oakridge",  "Penrose",    "Queensway",  "Redcliffe", "Stanway",    "Thornbury", "Underhill",
      "Valemount", "Westbrook",  "Yardley",    "Aldridge",  "Blackwood",  "Coleridge", "Denholm",
      "Eastwood",  "Foxley",     "Glenrothes", "Holbrook",  "Kenwood",    "Linton",    "Marlow",
      "Newbold",   "Ormsby",     "Priory",     "Riverside", "Summerfield"};
  return kWords;
}

const std::vector<const char*>& StreetNames() {
  static const std::vector<const char*> kStreets = {
      "Mill Lane",      "Station Road",  "High Street",   "Church Street",    "Victoria Road",
      "Park Avenue",    "Queen Street",  "Kings Road",    "Bridge Street",    "Market Place",
      "Albert Road",    "North Street",  "Green Lane",    "Chapel Street",    "York Road",
      "Manor Way",      "Orchard Close", "Castle Street", "Springfield Road", "Union Street",
      "Alexandra Road", "Hill Street",   "Westfield Way"};
  return kStreets;
}

const std::vector<const char*>& PersonNames() {
  static const std::vector<const char*> kPeople = {
      "Sarah Whitfield",  "James Okafor",   "Priya Sharma", "Tom Gallagher",
      "Emma Lindqvist",   "David Kowalski", "Hannah Reid",  "Michael Chen",
      "Laura Fitzgerald", "Owen Pritchard", "Aisha Rahman", "Gareth Hughes",
      "Zoe Adeyemi",      "Callum Fraser",  "Megan Doyle",  "Ravi Patel"};
  return kPeople;
}

FillerPool::FillerPool(std::string style, std::string script)
    : style_(MakePiece(std::move(style))), script_(MakePiece(std::move(script))) {
  const auto& industries = Industries();
  constexpr size_t kSentenceCount = sizeof(kSentences) / sizeof(kSentences[0]);
  paragraphs_.resize(industries.size());
  headings_.resize(industries.size());
  for (size_t ind = 0; ind < industries.size(); ++ind) {
    const Industry& industry = industries[ind];
    for (const char* service : industry.services) {
      headings_[ind].push_back(MakePiece(fmt::format("<h2>{}</h2>\n", service)));
    }
    for (size_t k = 0; k < kPerIndustry; ++k) {
      uint64_t h = Mix(ind * 1000 + k);
      std::string p = "<p>";
      size_t sentences = 3 + h % 4;
      for (size_t s = 0; s < sentences; ++s) {
        uint64_t r = Mix(h + s);
        if (s > 0) p += ' ';
        p += fmt::format(fmt::runtime(kSentences[r % kSentenceCount]), industry.trade,
                         industry.services[(r >> 8) % 6], industry.services[(r >> 16) % 6],
                         kClients[(r >> 24) % 8], kRegions[(r >> 32) % 7], 5 + (r >> 40) % 30);
      }
      p += "</p>\n";
      paragraphs_[ind].push_back(MakePiece(std::move(p)));
    }
  }
}

const TextPiece& FillerPool::Paragraph(size_t industry, uint64_t k) const {
  const auto& list = paragraphs_[industry % paragraphs_.size()];
  return list[k % list.size()];
}

const TextPiece& FillerPool::Heading(size_t industry, uint64_t k) const {
  const auto& list = headings_[industry % headings_.size()];
  return list[k % list.size()];
}

}  // namespace trawl::sitefarm
