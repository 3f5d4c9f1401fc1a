// Internal to engine/perl: the Perl code every PerlHost runs once at start-up.
#pragma once

namespace randsync::perl {

// Defines RQG's objects on top of the XS callbacks (perl_callbacks.cpp):
// $prng (GenTest::Random), $generator, $executors (GenTest::Executor),
// $stack and $global (GenTest::Stack::Stack), and imports shuffle, time,
// rand, srand and a non-exiting exit into GenTest::Generator::FromGrammar,
// the package grammar code blocks are compiled in.
extern const char kPrelude[];

}  // namespace randsync::perl
