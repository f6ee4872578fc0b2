// Check-digit rules for VAT numbers (EU VIES formats) and the company
// identifiers that carry one (FR SIREN/SIRET, AU ABN/ACN, ES CIF). Pure
// functions of their argument: thread-safe, no allocation beyond locals.
// Each takes the number without country prefix or separators and returns
// false for a malformed argument (wrong length, letters where digits belong).
#pragma once

#include <string_view>

namespace trawl {

// GB: 9 digits (or 12, a branch suffix without a check). Weighted sum of the
// first 7 digits plus the last two, divisible by 97 — or, for numbers issued
// since 2010, by 97 after adding 55. All-zero is rejected.
bool GbVatCheck(std::string_view digits);
// DE: 9 digits, last is ISO 7064 MOD 11,10 over the first 8.
bool DeVatCheck(std::string_view digits);
// FR: 2 key characters + 9-digit SIREN. A numeric key must equal
// (12 + 3 * (SIREN mod 97)) mod 97; for the rarer alphanumeric keys trawl
// does not implement the rule and checks the SIREN's Luhn digit instead.
bool FrVatCheck(std::string_view body);
// NL: 9 digits + "B" + 2 digits; mod-11 over the 9 digits (legal entities) or
// the 2020 mod-97 rule over "NL"+body (sole traders).
bool NlVatCheck(std::string_view body);
// IE: 7 digits + check letter (+ optional second letter, 2013 format), or the
// old format digit, letter/+/*, 5 digits, check letter.
bool IeVatCheck(std::string_view body);
// ES: 9 characters — NIF/DNI (8 digits + letter), NIE (X/Y/Z...) or CIF.
bool EsVatCheck(std::string_view body);
// ES CIF alone: organisation letter + 7 digits + control digit or letter.
bool EsCifCheck(std::string_view body);
// IT: 11 digits, Luhn.
bool ItVatCheck(std::string_view digits);
// AT: "U" + 8 digits.
bool AtVatCheck(std::string_view body);
// BE: 10 digits starting 0 or 1 (9-digit old form accepted); mod 97.
bool BeVatCheck(std::string_view digits);

// Luhn over a string of digits (FR SIREN 9 digits, SIRET 14 digits).
bool LuhnCheck(std::string_view digits);
// AU ABN: 11 digits, weighted sum (first digit minus one) divisible by 89.
bool AbnCheck(std::string_view digits);
// AU ACN: 9 digits, weighted complement check digit.
bool AcnCheck(std::string_view digits);

}  // namespace trawl
