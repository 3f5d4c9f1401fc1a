// What a generator thread exposes to its Perl code blocks: the objects RQG
// grammars reach for ($prng, $generator, $executors->[0], $last_table, ...).
// The generator implements this; the Perl host only calls it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/random.h"
#include "engine/schema/schema.h"
#include "engine/values/values.h"

namespace randsync {

// $last_database / $last_table / $last_field. The generator's metadata
// built-ins read and write them; Perl blocks may read and assign them too.
// nullopt is Perl's undef.
struct MetaState {
  std::optional<std::string> last_database;
  std::optional<std::string> last_table;
  std::optional<std::string> last_field;
};

class PerlEnvironment {
 public:
  virtual ~PerlEnvironment() = default;

  virtual Prng& prng() = 0;                    // $prng
  virtual const Schema& schema() = 0;          // $executors->[0]->meta*()
  virtual const ValueGenerator& values() = 0;  // $prng->fieldType('...')
  virtual MetaState& meta() = 0;               // $last_* variables
  virtual uint32_t thread_id() = 0;            // $generator->threadId(), _thread_id
  virtual uint64_t seq_id() = 0;               // $generator->seqId()
};

}  // namespace randsync
