using System.Reflection;
using System.Text;

namespace Interpretability.Tests;

/// <summary>
/// The public API is tracked in src/Interpretability/PublicAPI.txt. A change to it fails this test
/// and writes PublicAPI.received.txt next to it: review the difference, and if it is intended,
/// replace the listing with the received file in the same commit (and note it in CHANGELOG.md).
/// </summary>
public class PublicApiTests
{
    private static readonly NullabilityInfoContext s_nullability = new();

    [Fact]
    public void PublicApi_MatchesTheCheckedInListing()
    {
        var expectedPath = Path.Combine(TestPaths.RepositoryRoot, "src", "Interpretability", "PublicAPI.txt");
        var actual = Describe(typeof(Model).Assembly);
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath).ReplaceLineEndings("\n") : string.Empty;
        if (actual != expected)
        {
            File.WriteAllText(Path.ChangeExtension(expectedPath, ".received.txt"), actual);
            Assert.Fail($"The public API changed. Review src/Interpretability/PublicAPI.received.txt against PublicAPI.txt; if intended, replace PublicAPI.txt with it.");
        }
    }

    private static string Describe(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(TypeHeader(type)).Append('\n');
            var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true } && !IsRecordPlumbing(type, m))
                .Select(Member)
                .Where(line => line.Length > 0)
                .Order(StringComparer.Ordinal);
            foreach (var member in members)
            {
                text.Append("    ").Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static bool IsRecordPlumbing(Type type, MemberInfo member) =>
        type.GetMethod("<Clone>$") is not null && member.Name is "EqualityContract" or "<Clone>$" or "PrintMembers" or "Deconstruct";

    private static string TypeHeader(Type type)
    {
        var kind = type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsInterface ? "interface"
            : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(Enum) && baseType != typeof(ValueType))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Where(i => type.BaseType?.GetInterfaces().Contains(i) != true && !i.Name.StartsWith("IEquatable", StringComparison.Ordinal)).Select(Name).Order(StringComparer.Ordinal));
        return $"{kind} {type.FullName}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty)}";
    }

    private static string Member(MemberInfo member) => member switch
    {
        ConstructorInfo c when !c.IsPublic => string.Empty,
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m => $"{(m.IsStatic ? "static " : string.Empty)}{Nullable(s_nullability.Create(m.ReturnParameter), m.ReturnType)} {m.Name}{(m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty)}({Parameters(m)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : string.Empty)}{Nullable(s_nullability.Create(p), p.PropertyType)} {(p.GetIndexParameters().Length > 0 ? "this[" + string.Join(", ", p.GetIndexParameters().Select(i => Name(i.ParameterType))) + "]" : p.Name)} {{ {(p.GetMethod?.IsPublic == true ? "get; " : string.Empty)}{(p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? "init; " : "set; ") : string.Empty)}}}",
        FieldInfo f when f.DeclaringType!.IsEnum => f.IsLiteral ? $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}" : string.Empty,
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}{(f.IsLiteral ? " = " + f.GetRawConstantValue() : string.Empty)}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type nested => $"nested {nested.Name}",
        _ => member.ToString() ?? string.Empty,
    };

    private static string Parameters(MethodBase method) => string.Join(", ", method.GetParameters().Select(p =>
        $"{(p.IsIn ? "in " : p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty)}{Nullable(s_nullability.Create(p), p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue is null ? "null" : p.DefaultValue is string s ? $"\"{s}\"" : Convert.ToString(p.DefaultValue, System.Globalization.CultureInfo.InvariantCulture)) : string.Empty)}"));

    private static string Nullable(NullabilityInfo info, Type type)
    {
        var name = Name(type.IsByRef ? type.GetElementType()! : type);
        return info.ReadState == NullabilityState.Nullable && !type.IsValueType && !name.EndsWith('?') ? name + "?" : name;
    }

    private static string Name(Type type)
    {
        if (type.IsByRef)
        {
            return Name(type.GetElementType()!);
        }

        if (System.Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType)
        {
            var baseName = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
            if (baseName.StartsWith("ValueTuple", StringComparison.Ordinal))
            {
                return "(" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ")";
            }

            return $"{type.Namespace}.{baseName}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
        }

        return type.FullName ?? type.Name;
    }
}
