namespace Eddy.Registry.JsonSchemas;

/// <summary>Confluent's JSON Schema difference types (<c>Difference.Type</c> in its json-schema-provider), named as it names them.</summary>
internal enum JsonDifferenceType
{
    ID_CHANGED, DESCRIPTION_CHANGED, TITLE_CHANGED, DEFAULT_CHANGED, SCHEMA_ADDED, SCHEMA_REMOVED, TYPE_EXTENDED, TYPE_NARROWED, TYPE_CHANGED,
    MAX_LENGTH_ADDED, MAX_LENGTH_REMOVED, MAX_LENGTH_INCREASED, MAX_LENGTH_DECREASED,
    MIN_LENGTH_ADDED, MIN_LENGTH_REMOVED, MIN_LENGTH_INCREASED, MIN_LENGTH_DECREASED,
    PATTERN_ADDED, PATTERN_REMOVED, PATTERN_CHANGED,
    MAXIMUM_ADDED, MAXIMUM_REMOVED, MAXIMUM_INCREASED, MAXIMUM_DECREASED, MINIMUM_ADDED, MINIMUM_REMOVED, MINIMUM_INCREASED, MINIMUM_DECREASED,
    EXCLUSIVE_MAXIMUM_ADDED, EXCLUSIVE_MAXIMUM_REMOVED, EXCLUSIVE_MAXIMUM_INCREASED, EXCLUSIVE_MAXIMUM_DECREASED,
    EXCLUSIVE_MINIMUM_ADDED, EXCLUSIVE_MINIMUM_REMOVED, EXCLUSIVE_MINIMUM_INCREASED, EXCLUSIVE_MINIMUM_DECREASED,
    MULTIPLE_OF_ADDED, MULTIPLE_OF_REMOVED, MULTIPLE_OF_EXPANDED, MULTIPLE_OF_REDUCED, MULTIPLE_OF_CHANGED,
    REQUIRED_ATTRIBUTE_ADDED, REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED, REQUIRED_ATTRIBUTE_REMOVED,
    MAX_PROPERTIES_ADDED, MAX_PROPERTIES_REMOVED, MAX_PROPERTIES_INCREASED, MAX_PROPERTIES_DECREASED,
    MIN_PROPERTIES_ADDED, MIN_PROPERTIES_REMOVED, MIN_PROPERTIES_INCREASED, MIN_PROPERTIES_DECREASED,
    ADDITIONAL_PROPERTIES_ADDED, ADDITIONAL_PROPERTIES_REMOVED, ADDITIONAL_PROPERTIES_EXTENDED, ADDITIONAL_PROPERTIES_NARROWED,
    DEPENDENCY_ARRAY_ADDED, DEPENDENCY_ARRAY_REMOVED, DEPENDENCY_ARRAY_EXTENDED, DEPENDENCY_ARRAY_NARROWED, DEPENDENCY_ARRAY_CHANGED,
    DEPENDENCY_SCHEMA_ADDED, DEPENDENCY_SCHEMA_REMOVED,
    REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL,
    OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    UNEVALUATED_PROPERTIES_ADDED, UNEVALUATED_PROPERTIES_REMOVED, UNEVALUATED_PROPERTIES_EXTENDED, UNEVALUATED_PROPERTIES_NARROWED,
    MAX_ITEMS_ADDED, MAX_ITEMS_REMOVED, MAX_ITEMS_INCREASED, MAX_ITEMS_DECREASED, MIN_ITEMS_ADDED, MIN_ITEMS_REMOVED, MIN_ITEMS_INCREASED, MIN_ITEMS_DECREASED,
    MAX_CONTAINS_ADDED, MAX_CONTAINS_REMOVED, MAX_CONTAINS_INCREASED, MAX_CONTAINS_DECREASED,
    MIN_CONTAINS_ADDED, MIN_CONTAINS_REMOVED, MIN_CONTAINS_INCREASED, MIN_CONTAINS_DECREASED,
    UNIQUE_ITEMS_ADDED, UNIQUE_ITEMS_REMOVED, ADDITIONAL_ITEMS_ADDED, ADDITIONAL_ITEMS_REMOVED, ADDITIONAL_ITEMS_EXTENDED, ADDITIONAL_ITEMS_NARROWED,
    UNEVALUATED_ITEMS_ADDED, UNEVALUATED_ITEMS_REMOVED, UNEVALUATED_ITEMS_EXTENDED, UNEVALUATED_ITEMS_NARROWED,
    ITEM_ADDED_TO_OPEN_CONTENT_MODEL, ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL, ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ENUM_ARRAY_EXTENDED, ENUM_ARRAY_NARROWED, ENUM_ARRAY_CHANGED,
    COMBINED_TYPE_EXTENDED, COMBINED_TYPE_CHANGED, PRODUCT_TYPE_EXTENDED, PRODUCT_TYPE_NARROWED, SUM_TYPE_EXTENDED, SUM_TYPE_NARROWED,
    COMBINED_TYPE_SUBSCHEMAS_CHANGED, NOT_TYPE_EXTENDED, NOT_TYPE_NARROWED,
}

/// <summary>
/// One difference between an original and an updated schema at a JSON path (<c>#/properties/age</c>), and Confluent's
/// wording of it. The description names the two sides with <c>{0}</c> and <c>{1}</c>, which the checker fills with
/// "new" and "old" depending on the direction of the check.
/// </summary>
internal sealed record JsonSchemaDifference(JsonDifferenceType Type, string JsonPath)
{
    /// <summary>Confluent's compatible changes (its strict policy, the default).</summary>
    public static readonly IReadOnlySet<JsonDifferenceType> CompatibleChanges = new HashSet<JsonDifferenceType>
    {
        JsonDifferenceType.ID_CHANGED, JsonDifferenceType.DESCRIPTION_CHANGED, JsonDifferenceType.TITLE_CHANGED, JsonDifferenceType.DEFAULT_CHANGED,
        JsonDifferenceType.SCHEMA_REMOVED, JsonDifferenceType.TYPE_EXTENDED,
        JsonDifferenceType.MAX_LENGTH_INCREASED, JsonDifferenceType.MAX_LENGTH_REMOVED, JsonDifferenceType.MIN_LENGTH_DECREASED,
        JsonDifferenceType.MIN_LENGTH_REMOVED, JsonDifferenceType.PATTERN_REMOVED,
        JsonDifferenceType.MAXIMUM_INCREASED, JsonDifferenceType.MAXIMUM_REMOVED, JsonDifferenceType.MINIMUM_DECREASED, JsonDifferenceType.MINIMUM_REMOVED,
        JsonDifferenceType.EXCLUSIVE_MAXIMUM_INCREASED, JsonDifferenceType.EXCLUSIVE_MAXIMUM_REMOVED, JsonDifferenceType.EXCLUSIVE_MINIMUM_DECREASED,
        JsonDifferenceType.EXCLUSIVE_MINIMUM_REMOVED, JsonDifferenceType.MULTIPLE_OF_REDUCED, JsonDifferenceType.MULTIPLE_OF_REMOVED,
        JsonDifferenceType.REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED, JsonDifferenceType.REQUIRED_ATTRIBUTE_REMOVED,
        JsonDifferenceType.DEPENDENCY_ARRAY_NARROWED, JsonDifferenceType.DEPENDENCY_ARRAY_REMOVED, JsonDifferenceType.DEPENDENCY_SCHEMA_REMOVED,
        JsonDifferenceType.MAX_PROPERTIES_INCREASED, JsonDifferenceType.MAX_PROPERTIES_REMOVED, JsonDifferenceType.MIN_PROPERTIES_DECREASED,
        JsonDifferenceType.MIN_PROPERTIES_REMOVED, JsonDifferenceType.ADDITIONAL_PROPERTIES_ADDED, JsonDifferenceType.ADDITIONAL_PROPERTIES_EXTENDED,
        JsonDifferenceType.UNEVALUATED_PROPERTIES_ADDED, JsonDifferenceType.UNEVALUATED_PROPERTIES_EXTENDED,
        JsonDifferenceType.PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, JsonDifferenceType.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
        JsonDifferenceType.OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, JsonDifferenceType.PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
        JsonDifferenceType.PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, JsonDifferenceType.PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
        JsonDifferenceType.PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
        JsonDifferenceType.MAX_ITEMS_INCREASED, JsonDifferenceType.MAX_ITEMS_REMOVED, JsonDifferenceType.MIN_ITEMS_DECREASED, JsonDifferenceType.MIN_ITEMS_REMOVED,
        JsonDifferenceType.MAX_CONTAINS_INCREASED, JsonDifferenceType.MAX_CONTAINS_REMOVED, JsonDifferenceType.MIN_CONTAINS_DECREASED,
        JsonDifferenceType.MIN_CONTAINS_REMOVED, JsonDifferenceType.UNIQUE_ITEMS_REMOVED, JsonDifferenceType.ADDITIONAL_ITEMS_ADDED,
        JsonDifferenceType.ADDITIONAL_ITEMS_EXTENDED, JsonDifferenceType.UNEVALUATED_ITEMS_ADDED, JsonDifferenceType.UNEVALUATED_ITEMS_EXTENDED,
        JsonDifferenceType.ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, JsonDifferenceType.ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
        JsonDifferenceType.ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, JsonDifferenceType.ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
        JsonDifferenceType.ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, JsonDifferenceType.ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
        JsonDifferenceType.ENUM_ARRAY_EXTENDED,
        JsonDifferenceType.COMBINED_TYPE_EXTENDED, JsonDifferenceType.PRODUCT_TYPE_NARROWED, JsonDifferenceType.SUM_TYPE_EXTENDED,
        JsonDifferenceType.NOT_TYPE_NARROWED,
    };

    public bool IsCompatible => CompatibleChanges.Contains(Type);

    /// <summary>
    /// Confluent's <c>Difference.toString()</c> with the sides named: <c>{errorType:"TYPE_CHANGED", description:"A type at
    /// path '#/properties/a' is different between the new schema and the old schema'}</c> (the closing quote is
    /// Confluent's, kept so clients matching its messages match ours).
    /// </summary>
    public string ToConfluentString(string first, string second) =>
        $"{{errorType:\"{Type}\", description:\"{string.Format(System.Globalization.CultureInfo.InvariantCulture, Template(), first, second)}'}}";

    private string Template()
    {
        var path = JsonPath.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
        switch (Type)
        {
            case JsonDifferenceType.MAXIMUM_ADDED or JsonDifferenceType.MINIMUM_ADDED or JsonDifferenceType.EXCLUSIVE_MAXIMUM_ADDED
                or JsonDifferenceType.EXCLUSIVE_MINIMUM_ADDED or JsonDifferenceType.MULTIPLE_OF_ADDED or JsonDifferenceType.MAX_LENGTH_ADDED
                or JsonDifferenceType.MIN_LENGTH_ADDED or JsonDifferenceType.PATTERN_ADDED or JsonDifferenceType.REQUIRED_ATTRIBUTE_ADDED
                or JsonDifferenceType.MAX_PROPERTIES_ADDED or JsonDifferenceType.MIN_PROPERTIES_ADDED or JsonDifferenceType.DEPENDENCY_ARRAY_ADDED
                or JsonDifferenceType.DEPENDENCY_SCHEMA_ADDED or JsonDifferenceType.MAX_ITEMS_ADDED or JsonDifferenceType.MIN_ITEMS_ADDED
                or JsonDifferenceType.MAX_CONTAINS_ADDED or JsonDifferenceType.MIN_CONTAINS_ADDED or JsonDifferenceType.UNIQUE_ITEMS_ADDED
                or JsonDifferenceType.ADDITIONAL_ITEMS_REMOVED or JsonDifferenceType.ADDITIONAL_PROPERTIES_REMOVED
                or JsonDifferenceType.UNEVALUATED_PROPERTIES_REMOVED or JsonDifferenceType.UNEVALUATED_ITEMS_REMOVED:
                return $"The keyword at path '{path}' in the {{0}} schema is not present in the {{1}} schema";
            case JsonDifferenceType.MIN_LENGTH_INCREASED or JsonDifferenceType.MINIMUM_INCREASED or JsonDifferenceType.EXCLUSIVE_MINIMUM_INCREASED
                or JsonDifferenceType.MIN_PROPERTIES_INCREASED or JsonDifferenceType.MULTIPLE_OF_EXPANDED or JsonDifferenceType.MIN_ITEMS_INCREASED
                or JsonDifferenceType.MIN_CONTAINS_INCREASED:
                return $"The value at path '{path}' in the {{0}} schema is more than its value in the {{1}} schema";
            case JsonDifferenceType.MAX_LENGTH_DECREASED or JsonDifferenceType.MAXIMUM_DECREASED or JsonDifferenceType.MAX_ITEMS_DECREASED
                or JsonDifferenceType.MAX_CONTAINS_DECREASED or JsonDifferenceType.EXCLUSIVE_MAXIMUM_DECREASED or JsonDifferenceType.MAX_PROPERTIES_DECREASED:
                return $"The value at path '{path}' in the {{0}} schema is less than its value in the {{1}} schema";
            case JsonDifferenceType.PATTERN_CHANGED or JsonDifferenceType.MULTIPLE_OF_CHANGED or JsonDifferenceType.DEPENDENCY_ARRAY_CHANGED:
                return $"The value at path '{path}' is different between the {{0}} and {{1}} schema";
            case JsonDifferenceType.ADDITIONAL_ITEMS_NARROWED or JsonDifferenceType.ENUM_ARRAY_NARROWED or JsonDifferenceType.SUM_TYPE_NARROWED
                or JsonDifferenceType.ADDITIONAL_PROPERTIES_NARROWED or JsonDifferenceType.UNEVALUATED_PROPERTIES_NARROWED
                or JsonDifferenceType.UNEVALUATED_ITEMS_NARROWED:
                return $"An array or combined type at path '{path}' has fewer elements in the {{0}} schema than the {{1}} schema";
            case JsonDifferenceType.DEPENDENCY_ARRAY_EXTENDED or JsonDifferenceType.PRODUCT_TYPE_EXTENDED or JsonDifferenceType.SUM_TYPE_EXTENDED
                or JsonDifferenceType.NOT_TYPE_EXTENDED:
                return $"An array or combined type at path '{path}' has more elements in the {{0}} schema than the {{1}} schema";
            case JsonDifferenceType.TYPE_CHANGED or JsonDifferenceType.TYPE_NARROWED or JsonDifferenceType.COMBINED_TYPE_CHANGED
                or JsonDifferenceType.COMBINED_TYPE_SUBSCHEMAS_CHANGED or JsonDifferenceType.ENUM_ARRAY_CHANGED:
                return $"A type at path '{path}' is different between the {{0}} schema and the {{1}} schema";
            case JsonDifferenceType.REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL or JsonDifferenceType.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
                or JsonDifferenceType.OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL or JsonDifferenceType.ITEM_ADDED_TO_OPEN_CONTENT_MODEL:
                return $"The {{0}} schema has an open content model and has a property or item at path '{path}' which is missing in the {{1}} schema";
            case JsonDifferenceType.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL:
                return $"The {{0}} schema has an unopen content model and has a required property at path '{path}' which is missing in the {{1}} schema";
            case JsonDifferenceType.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL or JsonDifferenceType.ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL:
                return $"The {{0}} schema has a closed content model and is missing a property or item present at path '{path}' in the {{1}} schema";
            case JsonDifferenceType.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                or JsonDifferenceType.ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
                return $"A property or item is missing in the {{0}} schema but present at path '{path}' in the {{1}} schema and is not covered by its partially open content model";
            case JsonDifferenceType.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                or JsonDifferenceType.ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
                return $"The {{0}} schema has a property or item at path '{path}' which is missing in the {{1}} schema and is not covered by its partially open content model";
            default:
                return "";
        }
    }
}
