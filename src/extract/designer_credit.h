// Web designer credits ("Website by X", "Designed by X", "Powered by X",
// "Webdesign: X", "Réalisé par X", "Erstellt von X"): the blocks that hold
// them and the external sites they link to. Emails and social accounts found
// there belong to the designer, not the company. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "extract/document.h"

namespace trawl {

struct DesignerCredits {
  std::vector<std::string> texts;    // the part of each credit block after the phrase, lower case
  std::vector<std::string> domains;  // registrable domains of the designers' sites
  std::vector<std::string> urls;     // every link (absolute URL) that sits in a credit
};

// True when `text` holds a designer-credit phrase.
bool IsDesignerCredit(std::string_view text);

// Credits of `doc`. `own_domain` (registrable) is never reported as a
// designer's domain, so a company that builds its own site keeps its links.
DesignerCredits FindDesignerCredits(const Document& doc, std::string_view own_domain);

}  // namespace trawl
