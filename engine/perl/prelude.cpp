#include "engine/perl/prelude.h"

namespace randsync::perl {

// Written for randsync from the behaviour documented in reference/rqg.md and
// observable in RQG (GenTest::Random, GenTest::Executor, GenTest::Stack);
// method names and placeholder values are RQG's because grammars use them.
const char kPrelude[] = R"PERL(
use strict;
use List::Util ();
use Time::HiRes ();

# --------------------------------------------------------------------------
# $prng. int, uint16, float, digit, positive_digit, letter, string,
# arrayElement, shuffleArray, fieldType, fromDictionary and isFieldType are
# XS (every draw comes from the thread's C++ Prng); the rest are the value
# kinds RQG exposes as methods, produced by the engine's value generator.
package GenTest::Random;

sub new { my $class = shift; my $self = 0; return bless \$self, $class; }
sub urand     { return $_[0]->uint16(0, 65535); }
sub date      { return $_[0]->fieldType('date'); }
sub time      { return $_[0]->fieldType('time'); }
sub datetime  { return $_[0]->fieldType('datetime'); }
sub timestamp { return $_[0]->fieldType('timestamp'); }
sub year      { return $_[0]->fieldType('year'); }
sub enum      { return $_[0]->fieldType('enum'); }
sub set       { return $_[0]->fieldType('set'); }
sub quid      { return $_[0]->fieldType('quid'); }
sub jsonpath  { return $_[0]->fieldType('jsonpath'); }
sub json_key    { return $_[0]->fieldType('jsonkey'); }
sub json_value  { return $_[0]->fieldType('jsonvalue'); }
sub json_pair   { return $_[0]->fieldType('jsonpair'); }
sub json_array  { return $_[0]->fieldType('jsonarray'); }
sub json_object { return $_[0]->fieldType('jsonobject'); }
sub _sized {
    my ($self, $type, $length) = @_;
    return $self->fieldType(defined $length ? "$type($length)" : $type);
}
sub hex  { return $_[0]->_sized('hex', $_[1]); }
sub bit  { return $_[0]->_sized('bit', $_[1]); }
sub json { return $_[0]->_sized('json', $_[1]); }
sub text { return $_[0]->_sized('text', $_[1]); }

# --------------------------------------------------------------------------
# $generator.
package GenTest::Generator;

sub threadId    { return RandSync::thread_id(); }
sub seqId       { return RandSync::seq_id(); }
sub prng        { return $GenTest::Generator::FromGrammar::prng; }
sub globalFrame { return $GenTest::Generator::FromGrammar::global; }

# --------------------------------------------------------------------------
# $executors->[0]: metadata of the schema snapshot. An undefined schema is
# the default database, an undefined table the first table (or view) of
# the schema by name; lists are sorted and, when empty, hold RQG's
# placeholder names so grammars keep producing (failing) SQL as with RQG.
package GenTest::Executor;

sub new           { my $class = shift; return bless {}, $class; }
sub dbh           { return undef; }
sub execute       { return undef; }
sub connectionId  { return RandSync::thread_id(); }
sub currentUser   { return 'root@localhost'; }
sub defaultSchema { return RandSync::default_schema(); }
sub currentSchema { return RandSync::default_schema(); }

sub metaSchemas    { return RandSync::meta_schemas(); }
sub metaTables     { return RandSync::meta_tables(0, $_[1], 'non_existing_table'); }
sub metaBaseTables { return RandSync::meta_tables(1, $_[1], 'non_existing_base_table'); }
sub metaViews      { return RandSync::meta_tables(2, $_[1], 'non_existing_view'); }
# The snapshot has no row counts; RQG calls a table small below 500 rows,
# which every table of its default data sets is.
sub metaSmallTables     { return RandSync::meta_tables(0, $_[1], 'non_existing_small_table'); }
sub metaSmallBaseTables { return RandSync::meta_tables(1, $_[1], 'non_existing_small_base_table'); }
sub metaBigTables       { return ['non_existing_big_table']; }
sub metaBigBaseTables   { return ['non_existing_big_base_table']; }
sub isBigTable          { return undef; }

sub metaCollations    { return RandSync::collations(); }
sub metaCharactersets { return RandSync::charsets(); }

# (table, schema) with RQG's defaults filled in.
sub _where {
    my ($self, $table, $schema) = @_;
    $schema = $self->defaultSchema() unless defined $schema;
    $table = $self->metaTables($schema)->[0] unless defined $table;
    return ($table, $schema);
}

# (is_view, {column => [key, metatype, realtype, maxlength]}); an unknown
# table yields RQG's two placeholder columns.
sub _columns {
    my $self = shift;
    my ($is_view, $columns) = RandSync::table_info($self->_where(@_));
    return ($is_view, $columns) if defined $columns;
    return (0, { non_existing_column1 => ['ordinary', 'int'],
                 non_existing_column2 => ['indexed', 'int'] });
}

sub _names_where {
    my ($columns, $test) = @_;
    my @names = sort grep { $test->($columns->{$_}) } keys %$columns;
    return @names ? \@names : ['non_existing_column'];
}

# 'indexed' includes primary key columns. Views have no indexes, so asking
# a view for indexed or primary columns gives its ordinary ones.
sub _by_index_type {
    my ($columns, $is_view, $kind) = @_;
    $kind = 'ordinary' if $is_view && ($kind eq 'indexed' || $kind eq 'primary');
    return _names_where($columns, $kind eq 'indexed'
        ? sub { $_[0][0] eq 'indexed' || $_[0][0] eq 'primary' }
        : sub { $_[0][0] eq $kind });
}

sub _by_index_type_not {
    my ($columns, $is_view, $kind) = @_;
    $kind = 'unknown' if $is_view && $kind eq 'ordinary';
    return _names_where($columns, sub { $_[0][0] ne $kind });
}

sub _by_data_type {
    my ($columns, $type) = @_;
    return _names_where($columns, sub { $_[0][1] eq $type });
}

# The elements of $b that are also in $a, in $b's order.
sub _intersect {
    my ($a, $b) = @_;
    my %in_a = map { $_ => 1 } @$a;
    return [ grep { $in_a{$_} } @$b ];
}

sub metaColumns {
    my $self = shift;
    my (undef, $columns) = RandSync::table_info($self->_where(@_));
    return defined $columns ? [ sort keys %$columns ] : ['non_existing_column'];
}

sub metaColumnsIndexType {
    my ($self, $kind, @where) = @_;
    my ($is_view, $columns) = $self->_columns(@where);
    return _by_index_type($columns, $is_view, $kind);
}

sub metaColumnsIndexTypeNot {
    my ($self, $kind, @where) = @_;
    my ($is_view, $columns) = $self->_columns(@where);
    return _by_index_type_not($columns, $is_view, $kind);
}

sub metaColumnsDataType {
    my ($self, $type, @where) = @_;
    my (undef, $columns) = $self->_columns(@where);
    return _by_data_type($columns, $type);
}

sub metaColumnsDataIndexType {
    my ($self, $type, $kind, @where) = @_;
    my ($is_view, $columns) = $self->_columns(@where);
    return _intersect(_by_data_type($columns, $type),
                      _by_index_type($columns, $is_view, $kind));
}

sub metaColumnsDataTypeIndexTypeNot {
    my ($self, $type, $kind, @where) = @_;
    my ($is_view, $columns) = $self->_columns(@where);
    return _intersect(_by_data_type($columns, $type),
                      _by_index_type_not($columns, $is_view, $kind));
}

sub metaColumnInfo {
    my $self = shift;
    my (undef, $columns) = RandSync::table_info($self->_where(@_));
    return $columns;
}

sub _column_field {
    my ($self, $index, $column, @where) = @_;
    my $columns = $self->metaColumnInfo(@where);
    return undef unless $columns && $columns->{$column};
    return $columns->{$column}[$index];
}

# The names grammars call (RQG's "public interface to be used from grammars").
sub tables          { my $self = shift; return $self->metaTables(@_); }
sub baseTables      { my $self = shift; return $self->metaBaseTables(@_); }
sub smallTables     { my $self = shift; return $self->metaSmallTables(@_); }
sub bigTables       { my $self = shift; return $self->metaBigTables(@_); }
sub smallBaseTables { my $self = shift; return $self->metaSmallBaseTables(@_); }
sub bigBaseTables   { my $self = shift; return $self->metaBigBaseTables(@_); }
sub tableColumns    { my $self = shift; return $self->metaColumns(@_); }
sub columnMetaType  { my $self = shift; return $self->_column_field(1, @_); }
sub columnRealType  { my $self = shift; return $self->_column_field(2, @_); }
sub columnMaxLength { my $self = shift; return $self->_column_field(3, @_); }

# --------------------------------------------------------------------------
# $stack (fresh for every query) and $global (for the thread's lifetime).
# A stack of frames, each a name => value map. push() opens a frame that
# inherits the current frame's "arg"; pop($result) closes it and stores
# $result as "result" in the frame below; get/set work on the top frame.
# Frame 0 is usable too (RQG would die there), and pop() stops at frame 0.
package GenTest::Stack::Stack;

sub new { my $class = shift; return bless { depth => 0, frames => [ {} ] }, $class; }

sub _top { my $self = shift; return $self->{frames}[ $self->{depth} ] //= {}; }

sub push {
    my $self = shift;
    my $arg = $self->{depth} > 0 ? $self->_top->{arg} : undef;
    $self->{frames}[ ++$self->{depth} ] = {};
    $self->_top->{arg} = $arg if defined $arg;
    return undef;
}

sub pop {
    my ($self, $result) = @_;
    $self->{depth}-- if $self->{depth} > 0;
    $self->_top->{result} = $result if $self->{depth} > 0;
    return undef;
}

sub set { my ($self, $name, $value) = @_; $self->_top->{$name} = $value; return undef; }
sub get { my ($self, $name) = @_; return $self->_top->{$name}; }

package GenTest::Stack::StackFrame;

sub new { my $class = shift; return bless {}, $class; }
sub set { my ($self, $name, $value) = @_; $self->{$name} = $value; return undef; }
sub get { my ($self, $name) = @_; return $self->{$name}; }

# --------------------------------------------------------------------------
# The grammar package. Subs assigned to its globs from another package count
# as imported, and imported subs override the builtins of the same name for
# code compiled in that package afterwards (grammar blocks) and nowhere else.
package RandSync;

sub exit { die "exit() is not allowed in a grammar code block\n"; }

BEGIN {
    no strict 'refs';
    my $grammar = 'GenTest::Generator::FromGrammar';
    *{"${grammar}::shuffle"} = \&RandSync::shuffle;   # List::Util's, on our Prng
    *{"${grammar}::time"}    = \&Time::HiRes::time;   # as RQG imports it
    *{"${grammar}::rand"}    = \&RandSync::rand;      # reproducible rand()
    *{"${grammar}::srand"}   = \&RandSync::srand;
    *{"${grammar}::exit"}    = \&RandSync::exit;      # exit would end the process
}

package GenTest::Generator::FromGrammar;

our $prng      = GenTest::Random->new();
our $generator = bless {}, 'GenTest::Generator';
our $executors = [ GenTest::Executor->new() ];
our $global    = GenTest::Stack::Stack->new();
our $stack     = GenTest::Stack::Stack->new();
our ($last_database, $last_table, $last_field);

1;
)PERL";

}  // namespace randsync::perl
