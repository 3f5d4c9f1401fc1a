// randsync entry point: everything lives in cli/app.cpp so tests can drive the
// same code path in-process.
#include "runners/cli/app.h"

int main(int argc, char** argv) { return randsync::cli::Main(argc, argv); }
