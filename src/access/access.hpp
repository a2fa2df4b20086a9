// The accessibility engine (APL-style E2SFCA), pure computation: see README.md in this folder.
//   decay.hpp         weights w(t): APL step bands, plain 2SFCA, gravity
//   travel_times.hpp  sparse OD times; crow-fly model with a spatial index
//   e2sfca.hpp        compute_access(): the two passes
//   age.hpp           age-standardised demand
//   csv.hpp           readers of the CSV inputs (text in, no I/O) and the output writer
//   pipeline.hpp      a whole run as `maillage access compute` does it
#pragma once

#include "access/age.hpp"
#include "access/decay.hpp"
#include "access/e2sfca.hpp"
#include "access/location_index.hpp"
#include "access/travel_times.hpp"
