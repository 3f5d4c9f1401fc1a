// The fallback for _states when no dict dir provides states.txt: the 50 US
// state names, written here so the project ships no third-party word list.
#include "engine/values/value_kind.h"

namespace randsync::values {

const std::vector<std::string>& UsStates() {
  static const std::vector<std::string> states = {
      "Alabama",        "Alaska",       "Arizona",       "Arkansas",
      "California",     "Colorado",     "Connecticut",   "Delaware",
      "Florida",        "Georgia",      "Hawaii",        "Idaho",
      "Illinois",       "Indiana",      "Iowa",          "Kansas",
      "Kentucky",       "Louisiana",    "Maine",         "Maryland",
      "Massachusetts",  "Michigan",     "Minnesota",     "Mississippi",
      "Missouri",       "Montana",      "Nebraska",      "Nevada",
      "New Hampshire",  "New Jersey",   "New Mexico",    "New York",
      "North Carolina", "North Dakota", "Ohio",          "Oklahoma",
      "Oregon",         "Pennsylvania", "Rhode Island",  "South Carolina",
      "South Dakota",   "Tennessee",    "Texas",         "Utah",
      "Vermont",        "Virginia",     "Washington",    "West Virginia",
      "Wisconsin",      "Wyoming",
  };
  return states;
}

}  // namespace randsync::values
