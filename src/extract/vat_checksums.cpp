// Check-digit rules for VAT and company identifiers; see vat_checksums.h.
#include "extract/vat_checksums.h"

#include <algorithm>
#include <string>

namespace trawl {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

int Digit(char c) { return c - '0'; }

// Digit sum of a doubled digit (Luhn and its relatives).
int Doubled(int d) { return d * 2 > 9 ? d * 2 - 9 : d * 2; }

// Remainder mod 97 of a string of digits and upper-case letters, letters read
// as 10..35 (ISO 7064 MOD 97-10, as in IBANs).
int Mod97(std::string_view s) {
  int rem = 0;
  for (char c : s) {
    if (IsUpper(c)) {
      int v = c - 'A' + 10;
      rem = (rem * 100 + v) % 97;
    } else {
      rem = (rem * 10 + Digit(c)) % 97;
    }
  }
  return rem;
}

bool DniCheck(std::string_view eight_digits, char letter) {
  static constexpr std::string_view kLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
  if (!AllDigits(eight_digits)) return false;
  long n = std::stol(std::string(eight_digits));
  return kLetters[n % 23] == letter;
}

}  // namespace

bool GbVatCheck(std::string_view digits) {
  if (!AllDigits(digits) || (digits.size() != 9 && digits.size() != 12)) return false;
  digits = digits.substr(0, 9);
  if (digits == "000000000") return false;
  int total = 0;
  for (int i = 0; i < 7; ++i) total += Digit(digits[i]) * (8 - i);
  total += Digit(digits[7]) * 10 + Digit(digits[8]);
  return total % 97 == 0 || (total + 55) % 97 == 0;
}

bool DeVatCheck(std::string_view digits) {
  if (!AllDigits(digits) || digits.size() != 9 || digits[0] == '0') return false;
  int product = 10;
  for (int i = 0; i < 8; ++i) {
    int sum = (Digit(digits[i]) + product) % 10;
    if (sum == 0) sum = 10;
    product = (2 * sum) % 11;
  }
  int check = 11 - product;
  if (check == 10) check = 0;
  return check == Digit(digits[8]);
}

bool FrVatCheck(std::string_view body) {
  if (body.size() != 11) return false;
  std::string_view key = body.substr(0, 2);
  std::string_view siren = body.substr(2);
  if (!AllDigits(siren)) return false;
  if (AllDigits(key)) {
    long n = std::stol(std::string(siren));
    return (12 + 3 * (n % 97)) % 97 == std::stoi(std::string(key));
  }
  bool key_ok = std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= '0' && c <= '9') || (IsUpper(c) && c != 'I' && c != 'O');
  });
  return key_ok && LuhnCheck(siren);
}

bool NlVatCheck(std::string_view body) {
  if (body.size() != 12 || body[9] != 'B' || !AllDigits(body.substr(0, 9)) ||
      !AllDigits(body.substr(10))) {
    return false;
  }
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += Digit(body[i]) * (9 - i);
  if (sum % 11 != 10 && sum % 11 == Digit(body[8])) return true;
  return Mod97(std::string("NL").append(body)) == 1;
}

bool IeVatCheck(std::string_view body) {
  std::string b(body);
  // Old format (digit, letter/+/*, 5 digits, letter) maps onto the new one.
  if (b.size() == 8 && (IsUpper(b[1]) || b[1] == '+' || b[1] == '*')) {
    b = "0" + b.substr(2, 5) + b.substr(0, 1) + b.substr(7, 1);
  }
  if ((b.size() != 8 && b.size() != 9) || !AllDigits(std::string_view(b).substr(0, 7)) ||
      !IsUpper(b[7])) {
    return false;
  }
  int sum = 0;
  for (int i = 0; i < 7; ++i) sum += Digit(b[i]) * (8 - i);
  if (b.size() == 9) {
    char extra = b[8];
    if (extra == 'W') {
      // W stands for 0.
    } else if (extra >= 'A' && extra <= 'I') {
      sum += 9 * (extra - 'A' + 1);
    } else {
      return false;
    }
  }
  static constexpr std::string_view kLetters = "WABCDEFGHIJKLMNOPQRSTUV";
  return kLetters[sum % 23] == b[7];
}

bool EsCifCheck(std::string_view body) {
  static constexpr std::string_view kOrgLetters = "ABCDEFGHJNPQRSUVW";
  if (body.size() != 9 || kOrgLetters.find(body[0]) == std::string_view::npos ||
      !AllDigits(body.substr(1, 7))) {
    return false;
  }
  int sum = 0;
  for (int i = 0; i < 7; ++i) sum += i % 2 == 0 ? Doubled(Digit(body[1 + i])) : Digit(body[1 + i]);
  int control = (10 - sum % 10) % 10;
  char got = body[8];
  bool letter_only = std::string_view("NPQRSW").find(body[0]) != std::string_view::npos;
  bool digit_only = std::string_view("ABEH").find(body[0]) != std::string_view::npos;
  if (got >= '0' && got <= '9') return !letter_only && Digit(got) == control;
  return !digit_only && got == "JABCDEFGHI"[control];
}

bool EsVatCheck(std::string_view body) {
  if (body.size() != 9) return false;
  char first = body[0];
  if (first >= '0' && first <= '9') return DniCheck(body.substr(0, 8), body[8]);
  if (first == 'X' || first == 'Y' || first == 'Z') {
    std::string digits =
        std::string(1, static_cast<char>('0' + (first - 'X'))) + std::string(body.substr(1, 7));
    return DniCheck(digits, body[8]);
  }
  if (first == 'K' || first == 'L' || first == 'M')
    return DniCheck("0" + std::string(body.substr(1, 7)), body[8]);
  return EsCifCheck(body);
}

bool ItVatCheck(std::string_view digits) {
  return digits.size() == 11 && digits != "00000000000" && LuhnCheck(digits);
}

bool AtVatCheck(std::string_view body) {
  if (body.size() != 9 || body[0] != 'U' || !AllDigits(body.substr(1))) return false;
  std::string_view c = body.substr(1);
  int r = Doubled(Digit(c[1])) + Doubled(Digit(c[3])) + Doubled(Digit(c[5]));
  int check = (10 - (r + Digit(c[0]) + Digit(c[2]) + Digit(c[4]) + Digit(c[6]) + 4) % 10) % 10;
  return check == Digit(c[7]);
}

bool BeVatCheck(std::string_view digits) {
  std::string d(digits);
  if (d.size() == 9) d = "0" + d;
  if (d.size() != 10 || !AllDigits(d) || (d[0] != '0' && d[0] != '1')) return false;
  long head = std::stol(d.substr(0, 8));
  return 97 - head % 97 == std::stoi(d.substr(8));
}

bool LuhnCheck(std::string_view digits) {
  if (!AllDigits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (size_t i = digits.size(); i-- > 0;) {
    sum += twice ? Doubled(Digit(digits[i])) : Digit(digits[i]);
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool AbnCheck(std::string_view digits) {
  static constexpr int kWeights[] = {10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19};
  if (!AllDigits(digits) || digits.size() != 11 || digits[0] == '0') return false;
  int sum = 0;
  for (int i = 0; i < 11; ++i) sum += (Digit(digits[i]) - (i == 0 ? 1 : 0)) * kWeights[i];
  return sum % 89 == 0;
}

bool AcnCheck(std::string_view digits) {
  if (!AllDigits(digits) || digits.size() != 9) return false;
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += Digit(digits[i]) * (8 - i);
  return (10 - sum % 10) % 10 == Digit(digits[8]);
}

}  // namespace trawl
