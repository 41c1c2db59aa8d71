using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Eddy.Sql.Syntax;

/// <summary>
/// An immutable list of syntax elements compared by value, element by element, so that records holding lists
/// (arguments, columns, select items) compare structurally as the rest of the AST does.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
[CollectionBuilder(typeof(SyntaxList), nameof(SyntaxList.Create))]
public sealed class SyntaxList<T> : IReadOnlyList<T>, IEquatable<SyntaxList<T>>
{
    private readonly ImmutableArray<T> _items;

    /// <summary>A list of the given items.</summary>
    public SyntaxList(IEnumerable<T> items) => _items = [.. items];

    /// <summary>The empty list.</summary>
#pragma warning disable CA1000 // As ImmutableArray<T>.Empty: the one shared empty list of each element type.
    public static SyntaxList<T> Empty { get; } = new([]);
#pragma warning restore CA1000

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <summary>An enumerator that does not allocate.</summary>
    public ImmutableArray<T>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)_items).GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(SyntaxList<T>? other)
    {
        if (ReferenceEquals(this, other))
            return true;
        if (other is null || other.Count != Count)
            return false;
        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < _items.Length; i++)
        {
            if (!comparer.Equals(_items[i], other._items[i]))
                return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SyntaxList<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
            hash.Add(item);
        return hash.ToHashCode();
    }

    /// <summary>The items, comma-separated (for debugging).</summary>
    public override string ToString() => string.Join(", ", _items);
}

/// <summary>Builds <see cref="SyntaxList{T}"/> from collection expressions.</summary>
public static class SyntaxList
{
    /// <summary>A list of the given items.</summary>
    public static SyntaxList<T> Create<T>(ReadOnlySpan<T> items) => items.IsEmpty ? SyntaxList<T>.Empty : new(items.ToArray());
}
