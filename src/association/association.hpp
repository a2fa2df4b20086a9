// La vie associative, pure computation: see README.md in this folder.
//   statuts.hpp        the statuts as data, validation, collège placement, convocation delay
//   membership.hpp     membership status at a date, tariffs, reminders
//   attendance.hpp     émargement, proxies (pouvoirs), quorum per collège and global
//   vote.hpp           resolution results with collège weights and their arithmetic
//   indemnity.hpp      indemnities for members' time, yearly cap at the PASS
//   member_import.hpp  member list CSV (HelloAsso export, plain spreadsheet) → preview
//   ratio.hpp, money.hpp  exact fractions; euros in French
// Include the header you need; this one is for code that uses most of them.
#pragma once

#include "association/attendance.hpp"
#include "association/indemnity.hpp"
#include "association/member_import.hpp"
#include "association/membership.hpp"
#include "association/money.hpp"
#include "association/ratio.hpp"
#include "association/statuts.hpp"
#include "association/vote.hpp"
