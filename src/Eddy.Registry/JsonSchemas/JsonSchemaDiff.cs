using System.Runtime.CompilerServices;
using System.Text.Json;
using static Eddy.Registry.JsonSchemas.JsonDifferenceType;

namespace Eddy.Registry.JsonSchemas;

/// <summary>
/// Confluent's JSON Schema compatibility rules (<c>SchemaDiff</c> and the per-type diffs of its json-schema-provider),
/// written for Eddy's schema model: every difference between an original and an updated schema, each of which is
/// compatible or not (<see cref="JsonSchemaDifference.CompatibleChanges"/>). "Original → update" compatible means data
/// written with the original can be read with the update: BACKWARD compares old → new, FORWARD new → old.
/// </summary>
internal static class JsonSchemaDiff
{
    /// <summary>Every difference from <paramref name="original"/> to <paramref name="update"/>.</summary>
    public static IReadOnlyList<JsonSchemaDifference> Compare(JsonSchemaNode original, JsonSchemaNode update)
    {
        var context = new DiffContext();
        Compare(context, original, update);
        return context.Differences;
    }

    private static void Compare(DiffContext ctx, JsonSchemaNode? original, JsonSchemaNode? update)
    {
        if (original is null && update is null)
        {
            return;
        }
        if (original is null)
        {
            ctx.Add(SCHEMA_ADDED);
            return;
        }
        if (update is null)
        {
            ctx.Add(SCHEMA_REMOVED);
            return;
        }
        var o = Dereference(original);
        var u = Dereference(update);
        ctx.AddRebased(ctx.CompareMemoized(o, u, sub => CompareTypes(sub, o, u)));
    }

    private static JsonSchemaNode Dereference(JsonSchemaNode schema)
    {
        // A chain of references ($ref to a $ref) ends at the schema they name; a cycle of bare references is empty.
        var seen = new HashSet<JsonSchemaNode>(ReferenceEqualityComparer.Instance);
        while (schema is ReferenceJsonSchema reference && seen.Add(schema))
        {
            schema = reference.Target;
        }
        return schema is ReferenceJsonSchema ? new EmptyJsonSchema(JsonSchemaKind.Empty) : schema;
    }

    private static void CompareTypes(DiffContext ctx, JsonSchemaNode original, JsonSchemaNode update)
    {
        if (original is not CombinedJsonSchema && update is CombinedJsonSchema combinedUpdate)
        {
            if (combinedUpdate.Subschemas.Count == 1)
            {
                var sub = ctx.Subcontext();
                Compare(sub, original, combinedUpdate.Subschemas[0]);
                if (sub.IsCompatible)
                {
                    ctx.AddAll(sub.Differences);
                    return;
                }
            }
            else if (combinedUpdate.Criterion is CombinedJsonSchema.AnyOf or CombinedJsonSchema.OneOf)
            {
                foreach (var subschema in combinedUpdate.Subschemas)
                {
                    var sub = ctx.Subcontext();
                    Compare(sub, original, subschema);
                    if (sub.IsCompatible)
                    {
                        ctx.AddAll(sub.Differences);
                        ctx.Add(SUM_TYPE_EXTENDED);
                        return;
                    }
                }
            }
        }
        else if (original is CombinedJsonSchema combinedOriginal && update is not CombinedJsonSchema)
        {
            if (combinedOriginal.Subschemas.Count == 1)
            {
                var sub = ctx.Subcontext();
                Compare(sub, combinedOriginal.Subschemas[0], update);
                if (sub.IsCompatible)
                {
                    ctx.AddAll(sub.Differences);
                    return;
                }
            }
            else if (combinedOriginal.Criterion == CombinedJsonSchema.AllOf)
            {
                foreach (var subschema in combinedOriginal.Subschemas)
                {
                    var sub = ctx.Subcontext();
                    Compare(sub, subschema, update);
                    if (sub.IsCompatible)
                    {
                        ctx.AddAll(sub.Differences);
                        ctx.Add(PRODUCT_TYPE_NARROWED);
                        return;
                    }
                }
            }
        }

        if (!SameKind(original, update))
        {
            // Anything can become the empty (true) schema, and the false schema can become anything.
            if (original.Kind == JsonSchemaKind.False || update.IsEmptyOrTrue)
            {
                return;
            }
            if (original.ConnectType == "bytes" && update.ConnectType == "bytes")
            {
                return;
            }
            ctx.Add(TYPE_CHANGED);
            return;
        }

        if (original.Id != update.Id)
        {
            ctx.Add(ID_CHANGED);
        }
        if (original.Title != update.Title)
        {
            ctx.Add(TITLE_CHANGED);
        }
        if (original.Description != update.Description)
        {
            ctx.Add(DESCRIPTION_CHANGED);
        }
        if (!JsonValues.Equal(original.Default, update.Default))
        {
            ctx.Add(DEFAULT_CHANGED);
        }

        switch (original)
        {
            case StringJsonSchema s:
                CompareString(ctx, s, (StringJsonSchema)update);
                break;
            case NumberJsonSchema n:
                CompareNumber(ctx, n, (NumberJsonSchema)update);
                break;
            case ConstJsonSchema c:
                if (!JsonValues.Equal(c.Value, ((ConstJsonSchema)update).Value))
                {
                    ctx.Add("const", ENUM_ARRAY_CHANGED);
                }
                break;
            case EnumJsonSchema e:
                CompareEnum(ctx, e, (EnumJsonSchema)update);
                break;
            case CombinedJsonSchema c:
                CompareCombined(ctx, c, (CombinedJsonSchema)update);
                break;
            case NotJsonSchema n:
                CompareNot(ctx, n, (NotJsonSchema)update);
                break;
            case ObjectJsonSchema obj:
                CompareObject(ctx, obj, (ObjectJsonSchema)update);
                break;
            case ArrayJsonSchema array:
                CompareArray(ctx, array, (ArrayJsonSchema)update);
                break;
            default:
                break;
        }
    }

    // Everit compares classes: TrueSchema and EmptySchema are different classes (the rule above makes an update to
    // either one compatible anyway).
    private static bool SameKind(JsonSchemaNode a, JsonSchemaNode b) => a.Kind == b.Kind;

    private static void CompareString(DiffContext ctx, StringJsonSchema original, StringJsonSchema update)
    {
        CompareLimit(ctx, "maxLength", original.MaxLength, update.MaxLength, MAX_LENGTH_ADDED, MAX_LENGTH_REMOVED, MAX_LENGTH_INCREASED, MAX_LENGTH_DECREASED);
        CompareLimit(ctx, "minLength", original.MinLength, update.MinLength, MIN_LENGTH_ADDED, MIN_LENGTH_REMOVED, MIN_LENGTH_INCREASED, MIN_LENGTH_DECREASED);
        if (original.Pattern is null && update.Pattern is not null)
        {
            ctx.Add("pattern", PATTERN_ADDED);
        }
        else if (original.Pattern is not null && update.Pattern is null)
        {
            ctx.Add("pattern", PATTERN_REMOVED);
        }
        else if (original.Pattern != update.Pattern)
        {
            ctx.Add("pattern", PATTERN_CHANGED);
        }
    }

    private static void CompareNumber(DiffContext ctx, NumberJsonSchema original, NumberJsonSchema update)
    {
        CompareLimit(ctx, "maximum", original.Maximum, update.Maximum, MAXIMUM_ADDED, MAXIMUM_REMOVED, MAXIMUM_INCREASED, MAXIMUM_DECREASED);
        CompareLimit(ctx, "minimum", original.Minimum, update.Minimum, MINIMUM_ADDED, MINIMUM_REMOVED, MINIMUM_INCREASED, MINIMUM_DECREASED);
        CompareLimit(ctx, "exclusiveMaximum", original.ExclusiveMaximum, update.ExclusiveMaximum,
            EXCLUSIVE_MAXIMUM_ADDED, EXCLUSIVE_MAXIMUM_REMOVED, EXCLUSIVE_MAXIMUM_INCREASED, EXCLUSIVE_MAXIMUM_DECREASED);
        CompareLimit(ctx, "exclusiveMinimum", original.ExclusiveMinimum, update.ExclusiveMinimum,
            EXCLUSIVE_MINIMUM_ADDED, EXCLUSIVE_MINIMUM_REMOVED, EXCLUSIVE_MINIMUM_INCREASED, EXCLUSIVE_MINIMUM_DECREASED);
        if (original.MultipleOf != update.MultipleOf)
        {
            if (original.MultipleOf is null)
            {
                ctx.Add("multipleOf", MULTIPLE_OF_ADDED);
            }
            else if (update.MultipleOf is null)
            {
                ctx.Add("multipleOf", MULTIPLE_OF_REMOVED);
            }
            else if (update.MultipleOf.Value % original.MultipleOf.Value == 0)
            {
                // Every multiple of the new factor is a multiple of the old one: fewer values are valid.
                ctx.Add("multipleOf", MULTIPLE_OF_EXPANDED);
            }
            else if (original.MultipleOf.Value % update.MultipleOf.Value == 0)
            {
                ctx.Add("multipleOf", MULTIPLE_OF_REDUCED);
            }
            else
            {
                ctx.Add("multipleOf", MULTIPLE_OF_CHANGED);
            }
        }
        if (original.RequiresInteger != update.RequiresInteger)
        {
            ctx.Add(original.RequiresInteger ? TYPE_EXTENDED : TYPE_NARROWED);
        }
    }

    private static void CompareEnum(DiffContext ctx, EnumJsonSchema original, EnumJsonSchema update)
    {
        var updateContainsOriginal = original.Values.All(v => update.Values.Any(w => JsonValues.Equal(v, w)));
        var originalContainsUpdate = update.Values.All(v => original.Values.Any(w => JsonValues.Equal(v, w)));
        if (updateContainsOriginal && originalContainsUpdate)
        {
            return;
        }
        ctx.Add("enum", updateContainsOriginal ? ENUM_ARRAY_EXTENDED : originalContainsUpdate ? ENUM_ARRAY_NARROWED : ENUM_ARRAY_CHANGED);
    }

    private static void CompareNot(DiffContext ctx, NotJsonSchema original, NotJsonSchema update)
    {
        using var scope = ctx.Enter("not");
        var sub = ctx.Subcontext();
        // What must not match is compared the other way round: a narrower "not" accepts more.
        Compare(sub, update.MustNotMatch, original.MustNotMatch);
        ctx.Add(sub.IsCompatible ? NOT_TYPE_NARROWED : NOT_TYPE_EXTENDED);
    }

    private static void CompareCombined(DiffContext ctx, CombinedJsonSchema original, CombinedJsonSchema update)
    {
        JsonDifferenceType? criteria = null;
        if (original.Criterion != update.Criterion)
        {
            criteria = update.Criterion switch
            {
                CombinedJsonSchema.AnyOf => COMBINED_TYPE_EXTENDED,
                CombinedJsonSchema.OneOf when original.Subschemas.Count == 1 => COMBINED_TYPE_EXTENDED,
                CombinedJsonSchema.AllOf when original.Subschemas.Count == 1 && update.Subschemas.Count == 1 => COMBINED_TYPE_EXTENDED,
                _ => COMBINED_TYPE_CHANGED,
            };
            ctx.Add(criteria.Value);
        }
        if (criteria == COMBINED_TYPE_CHANGED)
        {
            return;
        }

        // Duplicates collapse, as Confluent's sets of subschemas do.
        var originals = Distinct(original.Subschemas);
        var updates = Distinct(update.Subschemas);
        if (originals.Count < updates.Count)
        {
            ctx.Add(update.Criterion == CombinedJsonSchema.AllOf ? PRODUCT_TYPE_EXTENDED : SUM_TYPE_EXTENDED);
        }
        else if (originals.Count > updates.Count)
        {
            ctx.Add(update.Criterion == CombinedJsonSchema.AllOf ? PRODUCT_TYPE_NARROWED : SUM_TYPE_NARROWED);
        }

        // Which originals can become which updates compatibly; a maximum matching must pair off the smaller side.
        var edges = new List<JsonSchemaDifference>?[originals.Count, updates.Count];
        for (var i = 0; i < originals.Count; i++)
        {
            using var scope = ctx.Enter(original.Criterion + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (var j = 0; j < updates.Count; j++)
            {
                var sub = ctx.Subcontext();
                Compare(sub, originals[i], updates[j]);
                if (sub.IsCompatible)
                {
                    edges[i, j] = sub.Differences;
                }
            }
        }
        var matching = BipartiteMatching.Maximum(originals.Count, updates.Count, (i, j) => edges[i, j] is not null);
        foreach (var (i, j) in matching)
        {
            ctx.AddAll(edges[i, j]!);
        }
        if (matching.Count < Math.Min(originals.Count, updates.Count))
        {
            ctx.Add(COMBINED_TYPE_SUBSCHEMAS_CHANGED);
        }
    }

    private static List<JsonSchemaNode> Distinct(IReadOnlyList<JsonSchemaNode> schemas)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. schemas.Where(s => seen.Add(s.Source))];
    }

    private static void CompareObject(DiffContext ctx, ObjectJsonSchema original, ObjectJsonSchema update)
    {
        CompareRequired(ctx, original, update);
        CompareProperties(ctx, original, update);
        CompareDependencies(ctx, original, update);
        using (ctx.Enter("additionalProperties"))
        {
            if (original.PermitsAdditionalProperties != update.PermitsAdditionalProperties)
            {
                ctx.Add(update.PermitsAdditionalProperties ? ADDITIONAL_PROPERTIES_ADDED : ADDITIONAL_PROPERTIES_REMOVED);
            }
            else if (original.AdditionalProperties is null && update.AdditionalProperties is not null)
            {
                ctx.Add(ADDITIONAL_PROPERTIES_NARROWED);
            }
            else if (update.AdditionalProperties is null && original.AdditionalProperties is not null)
            {
                ctx.Add(ADDITIONAL_PROPERTIES_EXTENDED);
            }
            else
            {
                Compare(ctx, original.AdditionalProperties, update.AdditionalProperties);
            }
        }
        CompareUnevaluated(ctx, "unevaluatedProperties", original.UnevaluatedProperties, update.UnevaluatedProperties,
            UNEVALUATED_PROPERTIES_ADDED, UNEVALUATED_PROPERTIES_REMOVED, UNEVALUATED_PROPERTIES_EXTENDED, UNEVALUATED_PROPERTIES_NARROWED);
        CompareLimit(ctx, "maxProperties", original.MaxProperties, update.MaxProperties,
            MAX_PROPERTIES_ADDED, MAX_PROPERTIES_REMOVED, MAX_PROPERTIES_INCREASED, MAX_PROPERTIES_DECREASED);
        CompareLimit(ctx, "minProperties", original.MinProperties, update.MinProperties,
            MIN_PROPERTIES_ADDED, MIN_PROPERTIES_REMOVED, MIN_PROPERTIES_INCREASED, MIN_PROPERTIES_DECREASED);
    }

    private static void CompareRequired(DiffContext ctx, ObjectJsonSchema original, ObjectJsonSchema update)
    {
        using var scope = ctx.Enter("required");
        foreach (var name in original.PropertyOrder)
        {
            if (!update.Properties.TryGetValue(name, out var updateSchema))
            {
                continue;
            }
            using var property = ctx.Enter(name);
            var wasRequired = original.Required.Contains(name);
            var isRequired = update.Required.Contains(name);
            if (wasRequired && !isRequired)
            {
                ctx.Add(REQUIRED_ATTRIBUTE_REMOVED);
            }
            else if (!wasRequired && isRequired)
            {
                ctx.Add(updateSchema.Default is not null ? REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED : REQUIRED_ATTRIBUTE_ADDED);
            }
        }
    }

    private static void CompareProperties(DiffContext ctx, ObjectJsonSchema original, ObjectJsonSchema update)
    {
        using var scope = ctx.Enter("properties");
        foreach (var name in original.PropertyOrder.Concat(update.PropertyOrder.Where(n => !original.Properties.ContainsKey(n))))
        {
            using var property = ctx.Enter(name);
            original.Properties.TryGetValue(name, out var originalSchema);
            update.Properties.TryGetValue(name, out var updateSchema);
            if (updateSchema is null)
            {
                // Removing a property is safe only if the update still accepts what the original allowed there.
                if (IsOpenContentModel(update))
                {
                    ctx.Add(PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
                }
                else if (PartiallyOpenSchema(update, name) is { } partial)
                {
                    var sub = ctx.Subcontext();
                    Compare(sub, originalSchema, partial);
                    ctx.AddAll(sub.Differences);
                    ctx.Add(sub.IsCompatible ? PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL : PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
                }
                else
                {
                    ctx.Add(Dereference(originalSchema!).Kind == JsonSchemaKind.False
                        ? PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                        : PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                }
            }
            else if (originalSchema is null)
            {
                // Adding a property is safe only if the original could not have held something else under that name.
                if (IsOpenContentModel(original))
                {
                    if (Dereference(updateSchema).IsEmptyOrTrue)
                    {
                        ctx.Add(PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL);
                    }
                    else if (update.Required.Contains(name))
                    {
                        ctx.Add(updateSchema.Default is not null ? REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL : REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
                    }
                    else
                    {
                        ctx.Add(OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
                    }
                }
                else
                {
                    if (PartiallyOpenSchema(original, name) is { } partial)
                    {
                        var sub = ctx.Subcontext();
                        Compare(sub, partial, updateSchema);
                        ctx.AddAll(sub.Differences);
                        ctx.Add(sub.IsCompatible ? PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL : PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
                    }
                    if (update.Required.Contains(name))
                    {
                        ctx.Add(updateSchema.Default is not null ? REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL : REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
                    }
                    else
                    {
                        ctx.Add(OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
                    }
                }
            }
            else
            {
                Compare(ctx, originalSchema, updateSchema);
            }
        }
    }

    private static void CompareDependencies(DiffContext ctx, ObjectJsonSchema original, ObjectJsonSchema update)
    {
        using var scope = ctx.Enter("dependencies");
        foreach (var name in original.PropertyDependencies.Keys.Union(update.PropertyDependencies.Keys, StringComparer.Ordinal))
        {
            using var property = ctx.Enter(name);
            original.PropertyDependencies.TryGetValue(name, out var before);
            update.PropertyDependencies.TryGetValue(name, out var after);
            if (after is null)
            {
                ctx.Add(DEPENDENCY_ARRAY_REMOVED);
            }
            else if (before is null)
            {
                ctx.Add(DEPENDENCY_ARRAY_ADDED);
            }
            else if (!before.SetEquals(after))
            {
                ctx.Add(after.IsSupersetOf(before) ? DEPENDENCY_ARRAY_EXTENDED : before.IsSupersetOf(after) ? DEPENDENCY_ARRAY_NARROWED : DEPENDENCY_ARRAY_CHANGED);
            }
        }
        foreach (var name in original.SchemaDependencies.Keys.Union(update.SchemaDependencies.Keys, StringComparer.Ordinal))
        {
            using var property = ctx.Enter(name);
            original.SchemaDependencies.TryGetValue(name, out var before);
            update.SchemaDependencies.TryGetValue(name, out var after);
            if (after is null)
            {
                ctx.Add(DEPENDENCY_SCHEMA_REMOVED);
            }
            else if (before is null)
            {
                ctx.Add(DEPENDENCY_SCHEMA_ADDED);
            }
            else
            {
                Compare(ctx, before, after);
            }
        }
    }

    // Open: any extra property is allowed with any value (no additionalProperties schema, no patterns, and
    // unevaluatedProperties absent or true).
    private static bool IsOpenContentModel(ObjectJsonSchema schema) =>
        schema.PermitsAdditionalProperties && schema.AdditionalProperties is null && schema.PatternProperties.Count == 0
        && (schema.UnevaluatedProperties is null || schema.UnevaluatedProperties.IsEmptyOrTrue);

    private static JsonSchemaNode? PartiallyOpenSchema(ObjectJsonSchema schema, string name)
    {
        foreach (var (pattern, patternSchema) in schema.PatternProperties)
        {
            if (pattern.IsMatch(name))
            {
                return patternSchema;
            }
        }
        if (schema.AdditionalProperties is not null)
        {
            return schema.AdditionalProperties;
        }
        if (schema.PermitsAdditionalProperties && schema.UnevaluatedProperties is { Kind: not JsonSchemaKind.False } unevaluated && !unevaluated.IsEmptyOrTrue)
        {
            return unevaluated;
        }
        return null;
    }

    private static void CompareArray(DiffContext ctx, ArrayJsonSchema original, ArrayJsonSchema update)
    {
        using (ctx.Enter("items"))
        {
            Compare(ctx, original.AllItems, update.AllItems);
        }
        CompareItemSchemas(ctx, original, update);
        using (ctx.Enter("additionalItems"))
        {
            if (original.PermitsAdditionalItems != update.PermitsAdditionalItems)
            {
                ctx.Add(original.PermitsAdditionalItems ? ADDITIONAL_ITEMS_REMOVED : ADDITIONAL_ITEMS_ADDED);
            }
            else if (original.AdditionalItems is null && update.AdditionalItems is not null)
            {
                ctx.Add(ADDITIONAL_ITEMS_NARROWED);
            }
            else if (update.AdditionalItems is null && original.AdditionalItems is not null)
            {
                ctx.Add(ADDITIONAL_ITEMS_EXTENDED);
            }
            else
            {
                Compare(ctx, original.AdditionalItems, update.AdditionalItems);
            }
        }
        CompareUnevaluated(ctx, "unevaluatedItems", original.UnevaluatedItems, update.UnevaluatedItems,
            UNEVALUATED_ITEMS_ADDED, UNEVALUATED_ITEMS_REMOVED, UNEVALUATED_ITEMS_EXTENDED, UNEVALUATED_ITEMS_NARROWED);
        CompareLimit(ctx, "maxItems", original.MaxItems, update.MaxItems, MAX_ITEMS_ADDED, MAX_ITEMS_REMOVED, MAX_ITEMS_INCREASED, MAX_ITEMS_DECREASED);
        CompareLimit(ctx, "minItems", original.MinItems, update.MinItems, MIN_ITEMS_ADDED, MIN_ITEMS_REMOVED, MIN_ITEMS_INCREASED, MIN_ITEMS_DECREASED);
        if (original.UniqueItems != update.UniqueItems)
        {
            ctx.Add("uniqueItems", original.UniqueItems ? UNIQUE_ITEMS_REMOVED : UNIQUE_ITEMS_ADDED);
        }
        CompareLimit(ctx, "maxContains", original.MaxContains, update.MaxContains, MAX_CONTAINS_ADDED, MAX_CONTAINS_REMOVED, MAX_CONTAINS_INCREASED, MAX_CONTAINS_DECREASED);
        CompareLimit(ctx, "minContains", original.MinContains, update.MinContains, MIN_CONTAINS_ADDED, MIN_CONTAINS_REMOVED, MIN_CONTAINS_INCREASED, MIN_CONTAINS_DECREASED);
    }

    private static void CompareItemSchemas(DiffContext ctx, ArrayJsonSchema original, ArrayJsonSchema update)
    {
        var common = Math.Min(original.ItemSchemas.Count, update.ItemSchemas.Count);
        for (var index = 0; index < Math.Max(original.ItemSchemas.Count, update.ItemSchemas.Count); index++)
        {
            using var scope = ctx.Enter("items/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (index < common)
            {
                Compare(ctx, original.ItemSchemas[index], update.ItemSchemas[index]);
            }
            else if (index < original.ItemSchemas.Count)
            {
                var removed = original.ItemSchemas[index];
                if (IsOpenContentModel(update))
                {
                    ctx.Add(ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
                }
                else if (PartiallyOpenSchema(update) is { } partial)
                {
                    var sub = ctx.Subcontext();
                    Compare(sub, removed, partial);
                    ctx.AddAll(sub.Differences);
                    ctx.Add(sub.IsCompatible ? ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL : ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
                }
                else
                {
                    ctx.Add(Dereference(removed).Kind == JsonSchemaKind.False ? ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL : ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                }
            }
            else
            {
                var added = update.ItemSchemas[index];
                if (IsOpenContentModel(original))
                {
                    ctx.Add(Dereference(added).IsEmptyOrTrue ? ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL : ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
                }
                else if (PartiallyOpenSchema(original) is { } partial)
                {
                    var sub = ctx.Subcontext();
                    Compare(sub, partial, added);
                    ctx.AddAll(sub.Differences);
                    ctx.Add(sub.IsCompatible ? ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL : ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
                }
                else
                {
                    ctx.Add(ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
                }
            }
        }
    }

    private static bool IsOpenContentModel(ArrayJsonSchema schema) =>
        schema.PermitsAdditionalItems && schema.AdditionalItems is null && (schema.UnevaluatedItems is null || schema.UnevaluatedItems.IsEmptyOrTrue);

    private static JsonSchemaNode? PartiallyOpenSchema(ArrayJsonSchema schema)
    {
        if (schema.AdditionalItems is not null)
        {
            return schema.AdditionalItems;
        }
        return schema.PermitsAdditionalItems && schema.UnevaluatedItems is { Kind: not JsonSchemaKind.False } unevaluated && !unevaluated.IsEmptyOrTrue
            ? unevaluated
            : null;
    }

    private static void CompareUnevaluated(DiffContext ctx, string keyword, JsonSchemaNode? original, JsonSchemaNode? update,
        JsonDifferenceType added, JsonDifferenceType removed, JsonDifferenceType extended, JsonDifferenceType narrowed)
    {
        if (original is null && update is null)
        {
            return;
        }
        using var scope = ctx.Enter(keyword);
        var originalFalse = original?.Kind == JsonSchemaKind.False;
        var updateFalse = update?.Kind == JsonSchemaKind.False;
        if (original is null)
        {
            ctx.Add(updateFalse ? removed : narrowed);
        }
        else if (update is null)
        {
            ctx.Add(originalFalse ? added : extended);
        }
        else if (originalFalse && !updateFalse)
        {
            ctx.Add(added);
        }
        else if (!originalFalse && updateFalse)
        {
            ctx.Add(removed);
        }
        else if (original.IsEmptyOrTrue && !update.IsEmptyOrTrue)
        {
            ctx.Add(narrowed);
        }
        else if (!original.IsEmptyOrTrue && update.IsEmptyOrTrue)
        {
            ctx.Add(extended);
        }
        else
        {
            Compare(ctx, original, update);
        }
    }

    private static void CompareLimit<T>(DiffContext ctx, string keyword, T? original, T? update,
        JsonDifferenceType added, JsonDifferenceType removed, JsonDifferenceType increased, JsonDifferenceType decreased)
        where T : struct, IComparable<T>
    {
        if (original is null && update is null)
        {
            return;
        }
        if (original is null)
        {
            ctx.Add(keyword, added);
        }
        else if (update is null)
        {
            ctx.Add(keyword, removed);
        }
        else if (original.Value.CompareTo(update.Value) < 0)
        {
            ctx.Add(keyword, increased);
        }
        else if (original.Value.CompareTo(update.Value) > 0)
        {
            ctx.Add(keyword, decreased);
        }
    }

    /// <summary>
    /// The differences found so far under a JSON path. Comparisons of a pair of schemas are memoized (by identity) and
    /// shared by every subcontext, and a pair met again while it is being compared is a recursion, taken as compatible.
    /// </summary>
    private sealed class DiffContext
    {
        private readonly Dictionary<(JsonSchemaNode, JsonSchemaNode), List<JsonSchemaDifference>> _memo;
        private readonly HashSet<(JsonSchemaNode, JsonSchemaNode)> _inProgress;
        private readonly List<string> _path = [];

        public DiffContext()
            : this(new(PairComparer.Instance), new(PairComparer.Instance))
        {
        }

        private DiffContext(Dictionary<(JsonSchemaNode, JsonSchemaNode), List<JsonSchemaDifference>> memo, HashSet<(JsonSchemaNode, JsonSchemaNode)> inProgress)
        {
            _memo = memo;
            _inProgress = inProgress;
        }

        public List<JsonSchemaDifference> Differences { get; } = [];

        public bool IsCompatible => Differences.TrueForAll(d => d.IsCompatible);

        public DiffContext Subcontext()
        {
            var sub = new DiffContext(_memo, _inProgress);
            sub._path.AddRange(_path);
            return sub;
        }

        public List<JsonSchemaDifference> CompareMemoized(JsonSchemaNode original, JsonSchemaNode update, Action<DiffContext> compare)
        {
            var key = (original, update);
            if (_memo.TryGetValue(key, out var cached))
            {
                return cached;
            }
            if (!_inProgress.Add(key))
            {
                return [];
            }
            try
            {
                var sub = new DiffContext(_memo, _inProgress);
                compare(sub);
                _memo[key] = sub.Differences;
                return sub.Differences;
            }
            finally
            {
                _inProgress.Remove(key);
            }
        }

        /// <summary>Adds differences found relative to a pair (paths from <c>#/</c>) under the current path.</summary>
        public void AddRebased(List<JsonSchemaDifference> relative)
        {
            if (_path.Count == 0)
            {
                Differences.AddRange(relative);
                return;
            }
            var prefix = PathString();
            foreach (var difference in relative)
            {
                var rebased = difference.JsonPath.Length <= 2 ? prefix : prefix + "/" + difference.JsonPath[2..];
                Differences.Add(difference with { JsonPath = rebased });
            }
        }

        public void AddAll(IEnumerable<JsonSchemaDifference> differences) => Differences.AddRange(differences);

        public void Add(JsonDifferenceType type) => Differences.Add(new JsonSchemaDifference(type, PathString()));

        public void Add(string keyword, JsonDifferenceType type)
        {
            _path.Add(keyword);
            Add(type);
            _path.RemoveAt(_path.Count - 1);
        }

        public PathScope Enter(string segment)
        {
            _path.Add(segment);
            return new PathScope(_path);
        }

        private string PathString() => "#/" + string.Join('/', _path);

        public readonly struct PathScope(List<string> path) : IDisposable
        {
            public void Dispose() => path.RemoveAt(path.Count - 1);
        }
    }

    private sealed class PairComparer : IEqualityComparer<(JsonSchemaNode, JsonSchemaNode)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((JsonSchemaNode, JsonSchemaNode) x, (JsonSchemaNode, JsonSchemaNode) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((JsonSchemaNode, JsonSchemaNode) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Item1), RuntimeHelpers.GetHashCode(obj.Item2));
    }
}

/// <summary>Kuhn's augmenting paths: a maximum matching of a bipartite graph, as Confluent pairs off combined subschemas.</summary>
internal static class BipartiteMatching
{
    public static List<(int Left, int Right)> Maximum(int left, int right, Func<int, int, bool> edge)
    {
        var matchOfRight = Enumerable.Repeat(-1, right).ToArray();
        for (var l = 0; l < left; l++)
        {
            Augment(l, new bool[right], matchOfRight, right, edge);
        }
        var result = new List<(int, int)>();
        for (var r = 0; r < right; r++)
        {
            if (matchOfRight[r] >= 0)
            {
                result.Add((matchOfRight[r], r));
            }
        }
        return result;
    }

    private static bool Augment(int l, bool[] visited, int[] matchOfRight, int right, Func<int, int, bool> edge)
    {
        for (var r = 0; r < right; r++)
        {
            if (!edge(l, r) || visited[r])
            {
                continue;
            }
            visited[r] = true;
            if (matchOfRight[r] < 0 || Augment(matchOfRight[r], visited, matchOfRight, right, edge))
            {
                matchOfRight[r] = l;
                return true;
            }
        }
        return false;
    }
}

/// <summary>JSON value equality as Java's JSON objects compare them: numbers by value, objects whatever their key order.</summary>
internal static class JsonValues
{
    public static bool Equal(JsonElement? a, JsonElement? b) =>
        a is null ? b is null : b is not null && Equal(a.Value, b.Value);

    public static bool Equal(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }
        switch (a.ValueKind)
        {
            case JsonValueKind.Number:
                return a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y) ? x == y : a.GetDouble().Equals(b.GetDouble());
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => Equal(p.First, p.Second));
            case JsonValueKind.Object:
                var left = a.EnumerateObject().ToList();
                var right = b.EnumerateObject().ToList();
                return left.Count == right.Count && left.TrueForAll(p => b.TryGetProperty(p.Name, out var other) && Equal(p.Value, other));
            default:
                return true;
        }
    }
}
