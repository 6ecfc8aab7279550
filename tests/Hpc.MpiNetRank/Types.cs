using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;

namespace MpiNetRank;

/// <summary>An unmanaged struct with operators: travels raw, reduces through its operators.</summary>
public struct Vector2 : IEquatable<Vector2>
{
    public double X;
    public double Y;

    public Vector2(double x, double y)
    {
        X = x;
        Y = y;
    }

    public static Vector2 operator +(Vector2 a, Vector2 b) => new(a.X + b.X, a.Y + b.Y);

    public static bool operator <(Vector2 a, Vector2 b) => a.X < b.X || (a.X == b.X && a.Y < b.Y);

    public static bool operator >(Vector2 a, Vector2 b) => b < a;

    public bool Equals(Vector2 other) => X == other.X && Y == other.Y;

    public override bool Equals(object obj) => obj is Vector2 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(X, Y);

    public override string ToString() => $"({X}, {Y})";
}

/// <summary>(first, last) under an associative, non-commutative operation: the result shows the combining order.</summary>
public readonly record struct Span2(int First, int Last)
{
    public static Span2 Combine(Span2 left, Span2 right) => new(left.First, right.Last);
}

/// <summary>A [Serializable] class in the BinaryFormatter style: private fields, no parameterless constructor.</summary>
[Serializable]
public class Particle
{
    private readonly string _name;
    private double[] _position;
    public int Id;

    [NonSerialized]
    public int Scratch;

    public Particle(string name, double[] position, int id)
    {
        _name = name;
        _position = position;
        Id = id;
        Scratch = 99;
    }

    public string Name => _name;

    public double[] Position => _position;

    public override bool Equals(object obj) =>
        obj is Particle p && p._name == _name && p.Id == Id && p._position.SequenceEqual(_position);

    public override int GetHashCode() => HashCode.Combine(_name, Id);

    public override string ToString() => $"Particle({_name}, #{Id}, [{string.Join(", ", _position)}])";
}

/// <summary>A record: serialized through its constructor.</summary>
public record Message(string Text, int From, List<int> Path);

/// <summary>A plain class with properties.</summary>
public class Inventory
{
    public string Owner { get; set; }

    public Dictionary<string, int> Counts { get; set; } = [];
}

/// <summary>A struct holding a reference: not unmanaged, so it travels serialized.</summary>
public struct Labeled
{
    public string Label;
    public int Value;
}

/// <summary>A cycle: System.Text.Json cannot serialize it.</summary>
public class Node
{
    public string Name { get; set; }

    public Node Next { get; set; }
}

/// <summary>A delegate-typed property: cannot be serialized.</summary>
public class WithCallback
{
    public Func<int> Callback { get; set; } = () => 1;
}

/// <summary>A derived type with [JsonDerivedType]: polymorphism the documented way.</summary>
[JsonDerivedType(typeof(Circle), "circle")]
[JsonDerivedType(typeof(Square), "square")]
public abstract class Shape
{
    public abstract double Area { get; }
}

public sealed class Circle : Shape
{
    public double Radius { get; set; }

    public override double Area => Math.PI * Radius * Radius;
}

public sealed class Square : Shape
{
    public double Side { get; set; }

    public override double Area => Side * Side;
}
