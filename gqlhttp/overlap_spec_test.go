package gqlhttp

// The cases of graphql-js's tests for OverlappingFieldsCanBeMergedRule (as
// gqlparser v2.5.64 imports them, validator/imported/spec) and of
// gqlparser's own (validator/spec), both MIT licensed, written out as a
// table: each is a schema, a query and the errors the rule must report,
// each with the lines one of its locations may be on.

var overlapSpecSchemas = map[string]string{
	"ownSchema1": `type Query {
  someField(arg: SomeInput, codes: [String!], nested: OuterInput): String
}
input SomeInput {
  a: String
  b: String
}
input OuterInput {
  inner: SomeInput
}
`,
	"ownSchema2": `type Query {
  root: T
}
type T {
  x: T
  a: String
  b: String
}
`,
	"ownSchema3": `type Query {
  someBox: SomeBox
}
union SomeBox = NonNullListBox | OtherNonNullListBox | ListBox
type NonNullListBox {
  list: [Int]!
  nested: [[Int]!]
}
type OtherNonNullListBox {
  list: [Int]!
  nested: [[Int]!]
}
type ListBox {
  list: [Int]
  nested: [[Int]]
}
`,
	"ownSchema4": `type Query {
  someBox: SomeBox
}
union SomeBox = IntBox | EnumBox | ItemBox | OtherItemBox
type IntBox {
  value: Int
  list: [Int]
}
type EnumBox {
  value: Color
}
enum Color {
  RED
}
type ItemBox {
  value: Item
  list: [Item]
}
type OtherItemBox {
  value: OtherItem
}
type Item {
  id: Int
}
type OtherItem {
  id: Int
}
`,
	"specSchema0": `schema {
  query: QueryRoot
}

directive @onField on FIELD

interface Mammal {
  mother: Mammal
  father: Mammal
}

interface Pet {
  name(surname: Boolean): String
}

interface Canine implements Mammal {
  name(surname: Boolean): String
  mother: Canine
  father: Canine
}

enum DogCommand {
  SIT
  HEEL
  DOWN
}

type Dog implements Pet & Mammal & Canine {
  name(surname: Boolean): String
  nickname: String
  barkVolume: Int
  barks: Boolean
  doesKnowCommand(dogCommand: DogCommand): Boolean
  isHouseTrained(atOtherHomes: Boolean = true): Boolean
  isAtLocation(x: Int, y: Int): Boolean
  mother: Dog
  father: Dog
}

type Cat implements Pet {
  name(surname: Boolean): String
  nickname: String
  meows: Boolean
  meowsVolume: Int
  furColor: FurColor
}

union CatOrDog = Cat | Dog

type Human {
  name(surname: Boolean): String
  pets: [Pet]
  relatives: [Human]
}

enum FurColor {
  BROWN
  BLACK
  TAN
  SPOTTED
  NO_FUR
  UNKNOWN
}

input ComplexInput {
  requiredField: Boolean!
  nonNullField: Boolean! = false
  intField: Int
  stringField: String
  booleanField: Boolean
  stringListField: [String]
}

input OneOfInput @oneOf {
  stringField: String
  intField: Int
}

type ComplicatedArgs {
  intArgField(intArg: Int): String
  nonNullIntArgField(nonNullIntArg: Int!): String
  stringArgField(stringArg: String): String
  booleanArgField(booleanArg: Boolean): String
  enumArgField(enumArg: FurColor): String
  floatArgField(floatArg: Float): String
  idArgField(idArg: ID): String
  stringListArgField(stringListArg: [String]): String
  stringListNonNullArgField(stringListNonNullArg: [String!]): String
  complexArgField(complexArg: ComplexInput): String
  oneOfArgField(oneOfArg: OneOfInput): String
  multipleReqs(req1: Int!, req2: Int!): String
  nonNullFieldWithDefault(arg: Int! = 0): String
  multipleOpts(opt1: Int = 0, opt2: Int = 0): String
  multipleOptAndReq(req1: Int!, req2: Int!, opt1: Int = 0, opt2: Int = 0): String
}

type QueryRoot {
  human(id: ID): Human
  dog: Dog
  cat: Cat
  pet: Pet
  catOrDog: CatOrDog
  complicatedArgs: ComplicatedArgs
}
# injected becuase upstream spec is missing some types
extend type QueryRoot {
    field: T
    f1: Type
    f2: Type
    f3: Type
}

type Type {
    a: String
    b: String
    c: String
}
type T {
    a: String
    b: String
    c: String
    d: String
    y: String
    deepField: T
    deeperField: T
}`,
	"specSchema10": `type Query {
  someField(a: String, b: String): String
}`,
	"specSchema11": `input SomeInput {
  a: String
  b: String
}

type Query {
  someField(arg: SomeInput): String
}`,
	"specSchema12": `interface SomeBox {
  deepBox: SomeBox
  unrelatedField: String
}

type StringBox implements SomeBox {
  scalar: String
  deepBox: StringBox
  unrelatedField: String
  listStringBox: [StringBox]
  stringBox: StringBox
  intBox: IntBox
}

type IntBox implements SomeBox {
  scalar: Int
  deepBox: IntBox
  unrelatedField: String
  listStringBox: [StringBox]
  stringBox: StringBox
  intBox: IntBox
}

interface NonNullStringBox1 {
  scalar: String!
}

type NonNullStringBox1Impl implements SomeBox & NonNullStringBox1 {
  scalar: String!
  unrelatedField: String
  deepBox: SomeBox
}

interface NonNullStringBox2 {
  scalar: String!
}

type NonNullStringBox2Impl implements SomeBox & NonNullStringBox2 {
  scalar: String!
  unrelatedField: String
  deepBox: SomeBox
}

type Connection {
  edges: [Edge]
}

type Edge {
  node: Node
}

type Node {
  id: ID
  name: String
}

type Query {
  someBox: SomeBox
  connection: Connection
}`,
	"specSchema13": `type Foo {
  constructor: String
}

type Query {
  foo: Foo
}`,
}

var overlapSpecCases = []overlapCase{
	{
		name:   "OKUniqueFields", // graphql-js: unique fields
		schema: "specSchema0",
		query: `
      fragment uniqueFields on Dog {
        name
        nickname
      }
      `,
	},
	{
		name:   "OKIdenticalFields", // graphql-js: identical fields
		schema: "specSchema0",
		query: `
      fragment mergeIdenticalFields on Dog {
        name
        name
      }
      `,
	},
	{
		name:   "OKIdenticalFieldsWithIdenticalArgs", // graphql-js: identical fields with identical args
		schema: "specSchema0",
		query: `
      fragment mergeIdenticalFieldsWithIdenticalArgs on Dog {
        doesKnowCommand(dogCommand: SIT)
        doesKnowCommand(dogCommand: SIT)
      }
      `,
	},
	{
		name:   "OKIdenticalFieldsWithIdenticalDirectives", // graphql-js: identical fields with identical directives
		schema: "specSchema0",
		query: `
      fragment mergeSameFieldsWithSameDirectives on Dog {
        name @include(if: true)
        name @include(if: true)
      }
      `,
	},
	{
		name:   "OKDifferentArgsWithDifferentAliases", // graphql-js: different args with different aliases
		schema: "specSchema0",
		query: `
      fragment differentArgsWithDifferentAliases on Dog {
        knowsSit: doesKnowCommand(dogCommand: SIT)
        knowsDown: doesKnowCommand(dogCommand: DOWN)
      }
      `,
	},
	{
		name:   "OKDifferentDirectivesWithDifferentAliases", // graphql-js: different directives with different aliases
		schema: "specSchema0",
		query: `
      fragment differentDirectivesWithDifferentAliases on Dog {
        nameIfTrue: name @include(if: true)
        nameIfFalse: name @include(if: false)
      }
      `,
	},
	{
		name:   "OKDifferentSkipIncludeDirectivesAccepted", // graphql-js: different skip/include directives accepted
		schema: "specSchema0",
		query: `
      fragment differentDirectivesWithDifferentAliases on Dog {
        name @include(if: true)
        name @include(if: false)
      }
      `,
	},
	{
		name:   "ErrSameAliasesWithDifferentFieldTargets", // graphql-js: Same aliases with different field targets
		schema: "specSchema0",
		query: `
      fragment sameAliasesWithDifferentFieldTargets on Dog {
        fido: name
        fido: nickname
      }
      `,
		errors: []overlapError{
			{`Fields "fido" conflict because "name" and "nickname" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4}},
		},
	},
	{
		name:   "OKSameAliasesAllowedOnNonOverlappingFields", // graphql-js: Same aliases allowed on non-overlapping fields
		schema: "specSchema0",
		query: `
      fragment sameAliasesWithDifferentFieldTargets on Pet {
        ... on Dog {
          name
        }
        ... on Cat {
          name: nickname
        }
      }
      `,
	},
	{
		name:   "ErrAliasMaskingDirectFieldAccess", // graphql-js: Alias masking direct field access
		schema: "specSchema0",
		query: `
      fragment aliasMaskingDirectFieldAccess on Dog {
        name: nickname
        name
      }
      `,
		errors: []overlapError{
			{`Fields "name" conflict because "nickname" and "name" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4}},
		},
	},
	{
		name:   "ErrDifferentArgsSecondAddsAnArgument", // graphql-js: different args, second adds an argument
		schema: "specSchema0",
		query: `
      fragment conflictingArgs on Dog {
        doesKnowCommand
        doesKnowCommand(dogCommand: HEEL)
      }
      `,
		errors: []overlapError{
			{`Fields "doesKnowCommand" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4}},
		},
	},
	{
		name:   "ErrDifferentArgsSecondMissingAnArgument", // graphql-js: different args, second missing an argument
		schema: "specSchema0",
		query: `
      fragment conflictingArgs on Dog {
        doesKnowCommand(dogCommand: SIT)
        doesKnowCommand
      }
      `,
		errors: []overlapError{
			{`Fields "doesKnowCommand" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4}},
		},
	},
	{
		name:   "ErrConflictingArgValues", // graphql-js: conflicting arg values
		schema: "specSchema0",
		query: `
      fragment conflictingArgs on Dog {
        doesKnowCommand(dogCommand: SIT)
        doesKnowCommand(dogCommand: HEEL)
      }
      `,
		errors: []overlapError{
			{`Fields "doesKnowCommand" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4}},
		},
	},
	{
		name:   "ErrConflictingArgNames", // graphql-js: conflicting arg names
		schema: "specSchema0",
		query: `
      fragment conflictingArgs on Dog {
        isAtLocation(x: 0)
        isAtLocation(y: 0)
      }
      `,
		errors: []overlapError{
			{`Fields "isAtLocation" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4}},
		},
	},
	{
		name:   "OKAllowsDifferentArgsWhereNoConflictIsPossible", // graphql-js: allows different args where no conflict is possible
		schema: "specSchema0",
		query: `
      fragment conflictingArgs on Pet {
        ... on Dog {
          name(surname: true)
        }
        ... on Cat {
          name
        }
      }
      `,
	},
	{
		name:   "OKAllowsDifferentOrderOfArgs", // graphql-js: allows different order of args
		schema: "specSchema10",
		query: `
        {
          someField(a: null, b: null)
          someField(b: null, a: null)
        }
        `,
	},
	{
		name:   "OKAllowsDifferentOrderOfInputObjectFieldsInArgValues", // graphql-js: allows different order of input object fields in arg values
		schema: "specSchema11",
		query: `
        {
          someField(arg: { a: null, b: null })
          someField(arg: { b: null, a: null })
        }
        `,
	},
	{
		name:   "ErrEncountersConflictInFragments", // graphql-js: encounters conflict in fragments
		schema: "specSchema0",
		query: `
      {
        ...A
        ...B
      }
      fragment A on Type {
        x: a
      }
      fragment B on Type {
        x: b
      }
      `,
		errors: []overlapError{
			{`Fields "x" conflict because "a" and "b" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{7, 10}},
		},
	},
	{
		name:   "ErrReportsEachConflictOnce", // graphql-js: reports each conflict once
		schema: "specSchema0",
		query: `
      {
        f1 {
          ...A
          ...B
        }
        f2 {
          ...B
          ...A
        }
        f3 {
          ...A
          ...B
          x: c
        }
      }
      fragment A on Type {
        x: a
      }
      fragment B on Type {
        x: b
      }
      `,
		errors: []overlapError{
			{`Fields "x" conflict because "a" and "b" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{18, 21}},
			{`Fields "x" conflict because "c" and "a" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{14, 18}},
			{`Fields "x" conflict because "c" and "b" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{14, 21}},
		},
	},
	{
		name:   "ErrDeepConflict", // graphql-js: deep conflict
		schema: "specSchema0",
		query: `
      {
        field {
          x: a
        },
        field {
          x: b
        }
      }
      `,
		errors: []overlapError{
			{`Fields "field" conflict because subfields "x" conflict because "a" and "b" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4, 6, 7}},
		},
	},
	{
		name:   "ErrDeepConflictWithMultipleIssues", // graphql-js: deep conflict with multiple issues
		schema: "specSchema0",
		query: `
      {
        field {
          x: a
          y: c
        },
        field {
          x: b
          y: d
        }
      }
      `,
		errors: []overlapError{
			{`Fields "field" conflict because subfields "x" conflict because "a" and "b" are different fields and subfields "y" conflict because "c" and "d" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4, 5, 7, 8, 9}},
		},
	},
	{
		name:   "ErrVeryDeepConflict", // graphql-js: very deep conflict
		schema: "specSchema0",
		query: `
      {
        field {
          deepField {
            x: a
          }
        },
        field {
          deepField {
            x: b
          }
        }
      }
      `,
		errors: []overlapError{
			{`Fields "field" conflict because subfields "deepField" conflict because subfields "x" conflict because "a" and "b" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 4, 5, 8, 9, 10}},
		},
	},
	{
		name:   "ErrReportsDeepConflictToNearestCommonAncestor", // graphql-js: reports deep conflict to nearest common ancestor
		schema: "specSchema0",
		query: `
      {
        field {
          deepField {
            x: a
          }
          deepField {
            x: b
          }
        },
        field {
          deepField {
            y
          }
        }
      }
      `,
		errors: []overlapError{
			{`Fields "deepField" conflict because subfields "x" conflict because "a" and "b" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{4, 5, 7, 8}},
		},
	},
	{
		name:   "ErrReportsDeepConflictToNearestCommonAncestorInFragments", // graphql-js: reports deep conflict to nearest common ancestor in fragments
		schema: "specSchema0",
		query: `
      {
        field {
          ...F
        }
        field {
          ...F
        }
      }
      fragment F on T {
        deepField {
          deeperField {
            x: a
          }
          deeperField {
            x: b
          }
        },
        deepField {
          deeperField {
            y
          }
        }
      }
      `,
		errors: []overlapError{
			{`Fields "deeperField" conflict because subfields "x" conflict because "a" and "b" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{12, 13, 15, 16}},
		},
	},
	{
		name:   "ErrReportsDeepConflictInNestedFragments", // graphql-js: reports deep conflict in nested fragments
		schema: "specSchema0",
		query: `
      {
        field {
          ...F
        }
        field {
          ...I
        }
      }
      fragment F on T {
        x: a
        ...G
      }
      fragment G on T {
        y: c
      }
      fragment I on T {
        y: d
        ...J
      }
      fragment J on T {
        x: b
      }
      `,
		errors: []overlapError{
			{`Fields "field" conflict because subfields "x" conflict because "a" and "b" are different fields and subfields "y" conflict because "c" and "d" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 6, 11, 15, 18, 22}},
		},
	},
	{
		name:   "ErrReportsDeepConflictAfterNestedFragments", // graphql-js: reports deep conflict after nested fragments
		schema: "specSchema0",
		query: `
      fragment F on T {
        ...G
      }
      fragment G on T {
        ...H
      }
      fragment H on T {
        x: a
      }
      {
        x: b
        ...F
      }
      `,
		errors: []overlapError{
			{`Fields "x" conflict because "b" and "a" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{9, 12}},
		},
	},
	{
		name:   "OKIgnoresUnknownFragments", // graphql-js: ignores unknown fragments
		schema: "specSchema0",
		query: `
      {
        field
        ...Unknown
        ...Known
      }
      
      fragment Known on T {
        field
        ...OtherUnknown
      }
      `,
	},
	{
		name:   "ErrReturnTypesConflictingReturnTypesWhichPotentiallyOverlap", // graphql-js: return types must be unambiguous/conflicting return types which potentially overlap
		schema: "specSchema12",
		query: `
          {
            someBox {
              ...on IntBox {
                scalar
              }
              ...on NonNullStringBox1 {
                scalar
              }
            }
          }
          `,
		errors: []overlapError{
			{`Fields "scalar" conflict because they return conflicting types "Int" and "String!". Use different aliases on the fields to fetch both if this was intentional.`, []int{5, 8}},
		},
	},
	{
		name:   "OKReturnTypesCompatibleReturnShapesOnDifferentReturnTypes", // graphql-js: return types must be unambiguous/compatible return shapes on different return types
		schema: "specSchema12",
		query: `
          {
            someBox {
              ... on SomeBox {
                deepBox {
                  unrelatedField
                }
              }
              ... on StringBox {
                deepBox {
                  unrelatedField
                }
              }
            }
          }
          `,
	},
	{
		name:   "ErrReturnTypesDisallowsDifferingReturnTypesDespiteNoOverlap", // graphql-js: return types must be unambiguous/disallows differing return types despite no overlap
		schema: "specSchema12",
		query: `
          {
            someBox {
              ... on IntBox {
                scalar
              }
              ... on StringBox {
                scalar
              }
            }
          }
          `,
		errors: []overlapError{
			{`Fields "scalar" conflict because they return conflicting types "Int" and "String". Use different aliases on the fields to fetch both if this was intentional.`, []int{5, 8}},
		},
	},
	{
		name:   "ErrReturnTypesReportsCorrectlyWhenANonExclusiveFollowsAnExclusive", // graphql-js: return types must be unambiguous/reports correctly when a non-exclusive follows an exclusive
		schema: "specSchema12",
		query: `
          {
            someBox {
              ... on IntBox {
                deepBox {
                  ...X
                }
              }
            }
            someBox {
              ... on StringBox {
                deepBox {
                  ...Y
                }
              }
            }
            memoed: someBox {
              ... on IntBox {
                deepBox {
                  ...X
                }
              }
            }
            memoed: someBox {
              ... on StringBox {
                deepBox {
                  ...Y
                }
              }
            }
            other: someBox {
              ...X
            }
            other: someBox {
              ...Y
            }
          }
          fragment X on SomeBox {
            scalar
          }
          fragment Y on SomeBox {
            scalar: unrelatedField
          }
          `,
		errors: []overlapError{
			{`Fields "other" conflict because subfields "scalar" conflict because "scalar" and "unrelatedField" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{31, 34, 39, 42}},
		},
	},
	{
		name:   "ErrReturnTypesDisallowsDifferingReturnTypeNullabilityDespiteNoOverlap", // graphql-js: return types must be unambiguous/disallows differing return type nullability despite no overlap
		schema: "specSchema12",
		query: `
          {
            someBox {
              ... on NonNullStringBox1 {
                scalar
              }
              ... on StringBox {
                scalar
              }
            }
          }
          `,
		errors: []overlapError{
			{`Fields "scalar" conflict because they return conflicting types "String!" and "String". Use different aliases on the fields to fetch both if this was intentional.`, []int{5, 8}},
		},
	},
	{
		name:   "ErrReturnTypesDisallowsDifferingReturnTypeListDespiteNoOverlap", // graphql-js: return types must be unambiguous/disallows differing return type list despite no overlap
		schema: "specSchema12",
		query: `
          {
            someBox {
              ... on IntBox {
                box: listStringBox {
                  scalar
                }
              }
              ... on StringBox {
                box: stringBox {
                  scalar
                }
              }
            }
          }
          `,
		errors: []overlapError{
			{`Fields "box" conflict because they return conflicting types "[StringBox]" and "StringBox". Use different aliases on the fields to fetch both if this was intentional.`, []int{5, 10}},
		},
	},
	{
		name:   "ErrReturnTypesDisallowsDifferingReturnTypeListDespiteNoOverlap2", // graphql-js: return types must be unambiguous/disallows differing return type list despite no overlap
		schema: "specSchema12",
		query: `
          {
            someBox {
              ... on IntBox {
                box: stringBox {
                  scalar
                }
              }
              ... on StringBox {
                box: listStringBox {
                  scalar
                }
              }
            }
          }
          `,
		errors: []overlapError{
			{`Fields "box" conflict because they return conflicting types "StringBox" and "[StringBox]". Use different aliases on the fields to fetch both if this was intentional.`, []int{5, 10}},
		},
	},
	{
		name:   "ErrReturnTypesDisallowsDifferingSubfields", // graphql-js: return types must be unambiguous/disallows differing subfields
		schema: "specSchema12",
		query: `
          {
            someBox {
              ... on IntBox {
                box: stringBox {
                  val: scalar
                  val: unrelatedField
                }
              }
              ... on StringBox {
                box: stringBox {
                  val: scalar
                }
              }
            }
          }
          `,
		errors: []overlapError{
			{`Fields "val" conflict because "scalar" and "unrelatedField" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{6, 7}},
		},
	},
	{
		name:   "ErrReturnTypesDisallowsDifferingDeepReturnTypesDespiteNoOverlap", // graphql-js: return types must be unambiguous/disallows differing deep return types despite no overlap
		schema: "specSchema12",
		query: `
          {
            someBox {
              ... on IntBox {
                box: stringBox {
                  scalar
                }
              }
              ... on StringBox {
                box: intBox {
                  scalar
                }
              }
            }
          }
          `,
		errors: []overlapError{
			{`Fields "box" conflict because subfields "scalar" conflict because they return conflicting types "String" and "Int". Use different aliases on the fields to fetch both if this was intentional.`, []int{5, 6, 10, 11}},
		},
	},
	{
		name:   "OKReturnTypesAllowsNonConflictingOverlappingTypes", // graphql-js: return types must be unambiguous/allows non-conflicting overlapping types
		schema: "specSchema12",
		query: `
          {
            someBox {
              ... on IntBox {
                scalar: unrelatedField
              }
              ... on StringBox {
                scalar
              }
            }
          }
          `,
	},
	{
		name:   "OKReturnTypesSameWrappedScalarReturnTypes", // graphql-js: return types must be unambiguous/same wrapped scalar return types
		schema: "specSchema12",
		query: `
          {
            someBox {
              ...on NonNullStringBox1 {
                scalar
              }
              ...on NonNullStringBox2 {
                scalar
              }
            }
          }
          `,
	},
	{
		name:   "OKReturnTypesAllowsInlineFragmentsWithoutTypeCondition", // graphql-js: return types must be unambiguous/allows inline fragments without type condition
		schema: "specSchema12",
		query: `
          {
            a
            ... {
              a
            }
          }
          `,
	},
	{
		name:   "ErrReturnTypesComparesDeepTypesIncludingList", // graphql-js: return types must be unambiguous/compares deep types including list
		schema: "specSchema12",
		query: `
          {
            connection {
              ...edgeID
              edges {
                node {
                  id: name
                }
              }
            }
          }
          
          fragment edgeID on Connection {
            edges {
              node {
                id
              }
            }
          }
          `,
		errors: []overlapError{
			{`Fields "edges" conflict because subfields "node" conflict because subfields "id" conflict because "name" and "id" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{5, 6, 7, 14, 15, 16}},
		},
	},
	{
		name:   "OKReturnTypesIgnoresUnknownTypes", // graphql-js: return types must be unambiguous/ignores unknown types
		schema: "specSchema12",
		query: `
          {
            someBox {
              ...on UnknownType {
                scalar
              }
              ...on NonNullStringBox2 {
                scalar
              }
            }
          }
          `,
	},
	{
		name:   "OKReturnTypesWorksForFieldNamesThatAreJSKeywords", // graphql-js: return types must be unambiguous/works for field names that are JS keywords
		schema: "specSchema13",
		query: `
          {
            foo {
              constructor
            }
          }
          `,
	},
	{
		name:   "OKDoesNotInfiniteLoopOnRecursiveFragment", // graphql-js: does not infinite loop on recursive fragment
		schema: "specSchema0",
		query: `
      {
        ...fragA
      }
      
      fragment fragA on Human { name, relatives { name, ...fragA } }
      `,
	},
	{
		name:   "OKDoesNotInfiniteLoopOnImmediatelyRecursiveFragment", // graphql-js: does not infinite loop on immediately recursive fragment
		schema: "specSchema0",
		query: `
      {
        ...fragA
      }
      
      fragment fragA on Human { name, ...fragA }
      `,
	},
	{
		name:   "OKDoesNotInfiniteLoopOnRecursiveFragmentWithAFieldNamedAfterFragment", // graphql-js: does not infinite loop on recursive fragment with a field named after fragment
		schema: "specSchema0",
		query: `
      {
        ...fragA
        fragA
      }
      
      fragment fragA on Query { ...fragA }
      `,
	},
	{
		name:   "ErrFindsInvalidCasesEvenWithFieldNamedAfterFragment", // graphql-js: finds invalid cases even with field named after fragment
		schema: "specSchema0",
		query: `
      {
        fragA
        ...fragA
      }
      
      fragment fragA on Type {
        fragA: b
      }
      `,
		errors: []overlapError{
			{`Fields "fragA" conflict because "fragA" and "b" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{3, 8}},
		},
	},
	{
		name:   "OKDoesNotInfiniteLoopOnTransitivelyRecursiveFragment", // graphql-js: does not infinite loop on transitively recursive fragment
		schema: "specSchema0",
		query: `
      {
        ...fragA
        fragB
      }
      
      fragment fragA on Human { name, ...fragB }
      fragment fragB on Human { name, ...fragC }
      fragment fragC on Human { name, ...fragA }
      `,
	},
	{
		name:   "ErrFindsInvalidCaseEvenWithImmediatelyRecursiveFragment", // graphql-js: finds invalid case even with immediately recursive fragment
		schema: "specSchema0",
		query: `
      fragment sameAliasesWithDifferentFieldTargets on Dog {
        ...sameAliasesWithDifferentFieldTargets
        fido: name
        fido: nickname
      }
      `,
		errors: []overlapError{
			{`Fields "fido" conflict because "name" and "nickname" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{4, 5}},
		},
	},
	{
		name:   "OKDoesNotInfiniteLoopOnRecursiveFragmentsSeparatedByFields", // graphql-js: does not infinite loop on recursive fragments separated by fields
		schema: "specSchema0",
		query: `
      {
        ...fragA
        ...fragB
      }
      
      fragment fragA on T {
        x {
          ...fragA
          x {
            ...fragA
          }
        }
      }
      
      fragment fragB on T {
        x {
          ...fragB
          x {
            ...fragB
          }
        }
      }
      `,
	},
	{
		name:   "ErrConflictingInputObjectArgumentValues", // gqlparser: conflicting input object argument values
		schema: "ownSchema1",
		query: `{
  someField(arg: { a: "DE" })
  someField(arg: { a: "US" })
}
`,
		errors: []overlapError{
			{`Fields "someField" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.`, []int{2, 3}},
		},
	},
	{
		name:   "ErrConflictingListArgumentValues", // gqlparser: conflicting list argument values
		schema: "ownSchema1",
		query: `{
  someField(codes: ["DE", "US"])
  someField(codes: ["US", "DE"])
}
`,
		errors: []overlapError{
			{`Fields "someField" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.`, []int{2, 3}},
		},
	},
	{
		name:   "ErrConflictingNestedInputObjectArgumentValues", // gqlparser: conflicting nested input object argument values
		schema: "ownSchema1",
		query: `{
  someField(nested: { inner: { a: "DE" } })
  someField(nested: { inner: { a: "US" } })
}
`,
		errors: []overlapError{
			{`Fields "someField" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional.`, []int{2, 3}},
		},
	},
	{
		name:   "OKIdenticalInputObjectArguments", // gqlparser: identical input object arguments
		schema: "ownSchema1",
		query: `{
  someField(arg: { a: "DE", b: "Germany" })
  someField(arg: { a: "DE", b: "Germany" })
}
`,
	},
	{
		name:   "OKInputObjectArgumentsWithFieldsInADifferentOrder", // gqlparser: input object arguments with fields in a different order
		schema: "ownSchema1",
		query: `{
  someField(arg: { a: "DE", b: "Germany" })
  someField(arg: { b: "Germany", a: "DE" })
}
`,
	},
	{
		name:   "ErrNestedReuseOfTheSameFragmentWithAConflictingField", // gqlparser: nested reuse of the same fragment with a conflicting field
		schema: "ownSchema2",
		query: `{
  root {
    ...F
    x {
      ...F
    }
  }
}
fragment F on T {
  same: a
  x {
    same: b
  }
}
`,
		errors: []overlapError{
			{`Fields "x" conflict because subfields "same" conflict because "b" and "a" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{11}},
		},
	},
	{
		name:   "OKNestedReuseOfTheSameFragmentThatMerges", // gqlparser: nested reuse of the same fragment that merges
		schema: "ownSchema2",
		query: `{
  root {
    ...F
    x {
      ...F
    }
  }
}
fragment F on T {
  same: a
  x {
    same: a
  }
}
`,
	},
	{
		name:   "OKDoesNotExhaustTheStackOnACyclicFragmentSpreadInNestedSelectionSets", // gqlparser: does not exhaust the stack on a cyclic fragment spread in nested selection sets
		schema: "ownSchema2",
		query: `{
  root {
    ...A
    ...B
  }
}
fragment A on T {
  x {
    ...A
    x {
      ...A
    }
  }
}
fragment B on T {
  x {
    ...B
    x {
      ...B
    }
  }
}
`,
	},
	{
		name:   "ErrFindsAConflictThroughACyclicFragmentSpreadInNestedSelectionSets", // gqlparser: finds a conflict through a cyclic fragment spread in nested selection sets
		schema: "ownSchema2",
		query: `{
  root {
    ...A
    ...B
  }
}
fragment A on T {
  same: a
  x {
    ...A
    x {
      ...A
    }
  }
}
fragment B on T {
  same: b
  x {
    ...B
    x {
      ...B
    }
  }
}
`,
		errors: []overlapError{
			{`Fields "same" conflict because "a" and "b" are different fields. Use different aliases on the fields to fetch both if this was intentional.`, []int{17}},
		},
	},
	{
		name:   "ErrConflictingNullabilityOfAList", // gqlparser: conflicting nullability of a list
		schema: "ownSchema3",
		query: `{
  someBox {
    ... on NonNullListBox {
      list
    }
    ... on ListBox {
      list
    }
  }
}
`,
		errors: []overlapError{
			{`Fields "list" conflict because they return conflicting types "[Int]!" and "[Int]". Use different aliases on the fields to fetch both if this was intentional.`, []int{4, 7}},
		},
	},
	{
		name:   "ErrConflictingNullabilityOfANestedList", // gqlparser: conflicting nullability of a nested list
		schema: "ownSchema3",
		query: `{
  someBox {
    ... on NonNullListBox {
      nested
    }
    ... on ListBox {
      nested
    }
  }
}
`,
		errors: []overlapError{
			{`Fields "nested" conflict because they return conflicting types "[[Int]!]" and "[[Int]]". Use different aliases on the fields to fetch both if this was intentional.`, []int{4, 7}},
		},
	},
	{
		name:   "OKSameNullabilityOfAList", // gqlparser: same nullability of a list
		schema: "ownSchema3",
		query: `{
  someBox {
    ... on NonNullListBox {
      list
      nested
    }
    ... on OtherNonNullListBox {
      list
      nested
    }
  }
}
`,
	},
	{
		name:   "ErrConflictingScalarAndObjectTypes", // gqlparser: conflicting scalar and object types
		schema: "ownSchema4",
		query: `{
  someBox {
    ... on IntBox {
      value
    }
    ... on ItemBox {
      value {
        id
      }
    }
  }
}
`,
		errors: []overlapError{
			{`Fields "value" conflict because they return conflicting types "Int" and "Item". Use different aliases on the fields to fetch both if this was intentional.`, []int{4, 7}},
		},
	},
	{
		name:   "ErrConflictingObjectAndScalarTypes", // gqlparser: conflicting object and scalar types
		schema: "ownSchema4",
		query: `{
  someBox {
    ... on ItemBox {
      value {
        id
      }
    }
    ... on IntBox {
      value
    }
  }
}
`,
		errors: []overlapError{
			{`Fields "value" conflict because they return conflicting types "Item" and "Int". Use different aliases on the fields to fetch both if this was intentional.`, []int{4, 9}},
		},
	},
	{
		name:   "ErrConflictingEnumAndObjectTypes", // gqlparser: conflicting enum and object types
		schema: "ownSchema4",
		query: `{
  someBox {
    ... on EnumBox {
      value
    }
    ... on ItemBox {
      value {
        id
      }
    }
  }
}
`,
		errors: []overlapError{
			{`Fields "value" conflict because they return conflicting types "Color" and "Item". Use different aliases on the fields to fetch both if this was intentional.`, []int{4, 7}},
		},
	},
	{
		name:   "ErrConflictingScalarAndObjectListItemTypes", // gqlparser: conflicting scalar and object list item types
		schema: "ownSchema4",
		query: `{
  someBox {
    ... on IntBox {
      list
    }
    ... on ItemBox {
      list {
        id
      }
    }
  }
}
`,
		errors: []overlapError{
			{`Fields "list" conflict because they return conflicting types "[Int]" and "[Item]". Use different aliases on the fields to fetch both if this was intentional.`, []int{4, 7}},
		},
	},
	{
		name:   "OKDifferentObjectTypesWithMergeableSubfields", // gqlparser: different object types with mergeable subfields
		schema: "ownSchema4",
		query: `{
  someBox {
    ... on ItemBox {
      value {
        id
      }
    }
    ... on OtherItemBox {
      value {
        id
      }
    }
  }
}
`,
	},
}
